// Keyboard shortcuts for the common path. No inline script anywhere: the page's CSP
// allows scripts from this server only.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  var t = event.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
  var click = function (id) { var el = document.getElementById(id); if (el) { event.preventDefault(); el.click(); } };
  if (event.key === "n") click("next");
  else if (event.key === "a") click("approve");
  else if (event.key === "r") {
    var comment = document.getElementById("decision-comment");
    if (comment) { event.preventDefault(); comment.focus(); comment.placeholder = "why reject? then press Enter on Reject"; }
  } else if (event.key === "e") {
    var first = document.querySelector("#edit input:not([type=hidden]), #edit textarea");
    if (first) { event.preventDefault(); first.focus(); }
  } else if (event.key === "o") {
    var open = document.querySelector("a.open");
    if (open) { event.preventDefault(); open.click(); }
  }
});
