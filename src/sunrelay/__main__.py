from sunrelay.cli.main import main

main()
