// Progressive enhancement: show the "Print" links and let them open the print dialog.
// Without JavaScript the links stay hidden and the browser's own Print works the same.
document.querySelectorAll(".print-link").forEach(function (link) {
  link.hidden = false;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.print();
  });
});
