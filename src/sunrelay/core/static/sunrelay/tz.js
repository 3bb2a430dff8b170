// Tell the server the viewer's IANA time zone once, so pages render times in it.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  var current = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
  // IANA names (letters, digits, "/", "_", "-", "+") are safe in a cookie as they are.
  if (current === "tz=" + zone) return;
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  if (!current && !/[?&]tz=/.test(location.search)) location.reload();
})();
