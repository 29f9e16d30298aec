// Draws each dashboard chart from the data table beside it, so the chart can never say something the
// table does not. Without JavaScript the tables are the figures. Chart.js is served locally (no CDN).
/* global Chart */
(() => {
  if (typeof Chart === 'undefined') return;
  // GOV.UK Design System colours, distinguishable in the order used.
  const colours = ['#1d70b8', '#f47738', '#00703c', '#4c2c92', '#d4351c', '#505a5f', '#28a197', '#912b88'];
  const charts = [];
  // A suppressed count is drawn as a '*' where its bar or point would be, so it never reads as 0.
  const suppressedMarks = {
    id: 'drdSuppressed',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const horizontal = chart.options.indexAxis === 'y';
      const index = horizontal ? chart.scales.y : chart.scales.x;
      const value = horizontal ? chart.scales.x : chart.scales.y;
      ctx.save();
      ctx.fillStyle = '#0b0c0c';
      ctx.font = 'bold 14px arial, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach((dataset, d) => {
        const suppressed = dataset.suppressed || [];
        const count = chart.data.datasets.length;
        suppressed.forEach((isStar, i) => {
          if (!isStar) return;
          const width = index.getPixelForValue(1) - index.getPixelForValue(0) || 20;
          const offset =
            count > 1 && chart.config.type === 'bar' && !chart.options.scales.x.stacked
              ? ((d + 0.5) / count - 0.5) * width * 0.8
              : 0;
          const at = index.getPixelForValue(i) + offset;
          const base = value.getPixelForValue(0);
          if (horizontal) ctx.fillText('*', base + 8, at);
          else ctx.fillText('*', at, base - 8);
        });
      });
      ctx.restore();
    },
  };
  // Printing: redraw each chart to the printed page's width, and back afterwards (Chart.js's advice).
  window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
  window.addEventListener('afterprint', () => charts.forEach((c) => c.resize()));
  for (const holder of document.querySelectorAll('[data-chart-for]')) {
    const table = document.getElementById(holder.dataset.chartFor);
    if (!table) continue;
    const series = [...table.querySelectorAll('thead [data-series]')].map((th) => th.textContent.trim());
    const rows = [...table.querySelectorAll('tbody tr')];
    const labels = rows.map((row) => row.querySelector('th').textContent.trim());
    // '*' is a suppressed count and "No data" a period the source has no figure for: both are left as
    // gaps, never drawn as a number.
    const stars = rows.map((row) =>
      [...row.querySelectorAll('td[data-value]')].map((td) => td.textContent.trim() === '*'),
    );
    const values = rows.map((row) =>
      [...row.querySelectorAll('td[data-value]')].map((td) => {
        const text = td.textContent.trim().replace(/,/g, '');
        return text === '*' || td.hasAttribute('data-gap') ? null : Number(text);
      }),
    );
    const type = holder.dataset.chartType;
    const palette = holder.dataset.chartColours ? holder.dataset.chartColours.split(' ') : colours;
    const datasetOf = (label, s) => ({
      label,
      data: values.map((row) => row[s]),
      backgroundColor: palette[s % palette.length],
      borderColor: palette[s % palette.length],
      spanGaps: false,
      suppressed: stars.map((row) => row[s]),
    });
    const draw = (canvas, datasets, options) =>
      charts.push(
        new Chart(canvas, {
          type: type === 'line' ? 'line' : 'bar',
          plugins: [suppressedMarks],
          data: { labels, datasets },
          options: { maintainAspectRatio: false, animation: false, ...options },
        }),
      );
    const horizontal = type !== 'line' && labels.length > 12;
    // Long category lists read better as horizontal bars, one line each (set through the CSSOM: the
    // content security policy allows no inline style attributes).
    if (horizontal) holder.style.height = `${labels.length * 24 + 60}px`;
    // Sources of very different sizes: one small chart each, each with its own scale.
    if (holder.hasAttribute('data-chart-separately') && series.length > 1) {
      holder.classList.add('drd-chart--multiples');
      holder.style.height = '';
      series.forEach((label, s) => {
        const column = values.map((row) => row[s]);
        if (column.every((v) => v === null)) return; // nothing loaded: the notes say so
        const panel = document.createElement('div');
        panel.className = 'drd-chart__panel';
        const title = document.createElement('p');
        title.className = 'govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1';
        title.textContent = label;
        const box = document.createElement('div');
        box.className = 'drd-chart__box';
        const canvas = document.createElement('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${label}: chart. The same figures are in the table below.`);
        box.appendChild(canvas);
        panel.append(title, box);
        holder.appendChild(panel);
        draw(canvas, [datasetOf(label, s)], {
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
        });
      });
      holder.classList.add('drd-chart--drawn');
      continue;
    }
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute(
      'aria-label',
      `${holder.dataset.chartTitle}: chart. The same figures are in the table below.`,
    );
    holder.appendChild(canvas);
    holder.classList.add('drd-chart--drawn');
    if (values.some((row) => row.includes(null))) {
      const note = document.createElement('p');
      note.className = 'govuk-body-s drd-chart__note';
      note.textContent =
        'A * on the chart is a count too small to show (1 to the suppression threshold); “No data” periods are left as gaps.';
      holder.after(note);
    }
    draw(canvas, series.map(datasetOf), {
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: series.length > 1 } },
      scales: {
        x: { stacked: type === 'stacked', beginAtZero: true },
        y: { stacked: type === 'stacked', beginAtZero: true },
      },
    });
  }
})();
