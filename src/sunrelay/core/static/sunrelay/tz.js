// Tell the server the viewer's IANA time zone once, so pages render times in it.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  // forms that ask for a zone ("add yourself") start at the browser's
  document.querySelectorAll("select[data-detect-zone]").forEach(function (select) {
    if (Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) {
      select.value = zone;
    }
  });
  var current = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
  // IANA names (letters, digits, "/", "_", "-", "+") are safe in a cookie as they are.
  if (current === "tz=" + zone) return;
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  if (!current && !/[?&]tz=/.test(location.search)) location.reload();
})();
