// Sorting and filtering for the statistics table (csww stats --format html).
// The table is complete without this script; it only adds the controls.
(function () {
  "use strict";
  var table = document.getElementById("indicators");
  var controls = document.getElementById("table-controls");
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var area = document.getElementById("filter-area");
  var level = document.getElementById("filter-level");
  var year = document.getElementById("filter-year");
  var count = document.getElementById("shown-count");
  controls.hidden = false;

  function text(row, column) { return row.cells[column].textContent.trim(); }

  function filter() {
    var want = area.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!want || text(row, 0).toLowerCase().indexOf(want) >= 0 ||
                  text(row, 3).toLowerCase().indexOf(want) >= 0) &&
                 (!level.value || text(row, 2) === level.value) &&
                 (!year.value || text(row, 1) === year.value);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown.toLocaleString("en-GB") + " of " +
      rows.length.toLocaleString("en-GB") + " rows";
  }

  function sortBy(th, column) {
    var numeric = th.getAttribute("data-kind") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x, y;
      if (numeric) {
        x = a.cells[column].getAttribute("data-value");
        y = b.cells[column].getAttribute("data-value");
        // Rows with no figure (x, z, c) always go last.
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        return ascending ? Number(x) - Number(y) : Number(y) - Number(x);
      }
      x = text(a, column); y = text(b, column);
      return ascending ? x.localeCompare(y) : y.localeCompare(x);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(th, column); }); }
  });
  [area, level, year].forEach(function (input) { input.addEventListener("input", filter); });
  filter();
}());
