/* Results that belong to settings no longer chosen are marked stale ("segmenta-stale") the
   moment a control changes, and unmarked when the new result arrives. The callbacks are
   registered in dashboard/pages/compare_staleness.py; their states are the marked elements'
   current classes. Marking and unmarking are two callbacks: Dash holds a callback back while
   any of its inputs is still to be computed, so one callback listening to both would wait for
   the result before marking anything. */
(function () {
  const STALE = "segmenta-stale";

  function classesWith(args, stale) {
    const context = window.dash_clientside.callback_context;
    return args.slice(args.length - context.states_list.length).map((current) => {
      const kept = (typeof current === "string" ? current : "").split(" ")
        .filter((name) => name && name !== STALE);
      return (stale ? [...kept, STALE] : kept).join(" ");
    });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    staleness: {
      stale: (...args) => classesWith(args, true),
      fresh: (...args) => classesWith(args, false),
    },
  });
})();
