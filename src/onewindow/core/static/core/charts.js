// Draws every <div class="chart" data-figure="{json}"> with Plotly (served locally at /vendor/plotly.min.js).
// Include after plotly:  <script src="{% url 'plotly_js' %}"></script><script src="{% static 'core/charts.js' %}"></script>
(function () {
  // Text in the page's language, written by base.html as JSON in <meta id="ow-text" content>; plotly's own locale follows <html lang>.
  function text(key, fallback) {
    var node = document.getElementById("ow-text");
    try { return (node && JSON.parse(node.getAttribute("content"))[key]) || fallback; } catch (e) { return fallback; }
  }
  function plotlyLocale() {
    return /^zh/i.test(document.documentElement.lang || "zh") ? "zh-CN" : "en";
  }
  function draw(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("div.chart[data-figure]").forEach(function (el) {
      if (el.dataset.drawn === "1") return;
      var fig;
      try {
        fig = JSON.parse(el.dataset.figure);
      } catch (e) {
        el.textContent = text("chart_invalid", "Invalid chart data");
        return;
      }
      var layout = Object.assign({ autosize: true }, fig.layout || {});
      var config = Object.assign({ responsive: true, displaylogo: false, locale: plotlyLocale() }, fig.config || {});
      window.Plotly.newPlot(el, fig.data || [], layout, config);
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // charts inside content swapped in by htmx
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  window.OneWindowCharts = { draw: draw };
})();
