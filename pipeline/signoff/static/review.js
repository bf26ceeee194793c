// Keyboard shortcuts for the review page. The page works without them: every action is
// also a link or a button. Keys act on the current row (the one the address points at).
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row.waiting"));
  if (!document.querySelector("table.review")) { return; }

  function current() {
    var id = decodeURIComponent(location.hash.slice(1));
    var row = id && document.getElementById(id);
    return row && row.classList.contains("row") ? row : null;
  }
  function go(row) {
    if (!row) { var done = document.getElementById("queue-done"); if (done) { location.hash = "queue-done"; done.focus(); } return; }
    location.hash = row.id;
    row.focus();
  }
  function step(delta) {
    var here = current(), index = rows.indexOf(here);
    if (index < 0) { go(delta > 0 ? rows[0] : rows[rows.length - 1]); return; }
    go(rows[(index + delta + rows.length) % rows.length]);
  }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName)
      && target.type !== "submit");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var row = current();
    if (event.key === "n" || event.key === "j") { step(1); }
    else if (event.key === "p" || event.key === "k") { step(-1); }
    else if (event.key === "/") { var search = document.getElementById("search"); if (search) { search.focus(); } }
    else if (event.key === "a" && row) {
      var approve = row.querySelector("form.approve-one button");
      if (!approve) { return; }
      approve.focus(); approve.click();
    } else if (event.key === "r" && row) {
      var details = row.querySelector("details.reject");
      if (!details) { return; }
      details.open = true; details.querySelector("textarea").focus();
    } else { return; }
    event.preventDefault();
  });
}());
