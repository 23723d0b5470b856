/// The status page's whole style sheet, inlined into the page: the page loads nothing else (no
/// fonts, no scripts, no images), so it works on an isolated control-room network and as a saved
/// file. System fonts, a restrained palette whose colours carry meaning (green ok, amber attention,
/// red fault, grey not applicable), a dark variant, and grids that fall to one column on a phone.
enum StatusPageStyle {
    static let css = """
        :root {
          color-scheme: light dark;
          --bg: #f3f5f7; --card: #ffffff; --fg: #1c2128; --muted: #5f6b78; --line: #d9dee4;
          --link: #0a5cc2;
          --ok: #1a7f37; --ok-bg: #dcf5e3; --warn: #8a5a00; --warn-bg: #fff1c2;
          --bad: #c62330; --bad-bg: #ffe5e3; --neutral: #57606a; --neutral-bg: #e9edf1;
          --water: #0a6bd6; --power: #b25b00; --gas: #7d4fd6;
          --ok-solid: #1c7c36; --bad-solid: #c62330;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0e1217; --card: #161b22; --fg: #e4eaf0; --muted: #8e98a3; --line: #2d343c;
            --link: #58a0f8;
            --ok: #48c15e; --ok-bg: rgba(46, 160, 67, .18); --warn: #e0a82e; --warn-bg: rgba(187, 128, 9, .2);
            --bad: #ff6a61; --bad-bg: rgba(248, 81, 73, .18); --neutral: #8e98a3;
            --neutral-bg: rgba(110, 118, 129, .22);
            --water: #58a0f8; --power: #e3954a; --gas: #ad86f5;
          }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--bg); color: var(--fg);
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        a { color: var(--link); }
        code, .mono {
          font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em;
        }
        .muted { color: var(--muted); }
        .num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }

        header.top { background: var(--card); border-bottom: 1px solid var(--line); border-top: 5px solid var(--ok-solid); }
        body.not-ready header.top { border-top-color: var(--bad-solid); }
        .top-inner {
          max-width: 1280px; margin: 0 auto; padding: 12px 16px; display: flex; flex-wrap: wrap; align-items: center;
          gap: 8px 20px;
        }
        .ident { min-width: 0; }
        .ident h1 { margin: 0; font-size: 1.4rem; line-height: 1.2; overflow-wrap: anywhere; }
        .ident .meta { color: var(--muted); font-size: .88rem; }
        .state {
          font-weight: 800; font-size: 1.3rem; letter-spacing: .08em; padding: 6px 18px; border-radius: 8px;
          white-space: nowrap;
        }
        .state.ok { background: var(--ok-solid); color: #fff; }
        .state.bad { background: var(--bad-solid); color: #fff; }
        .top-side { margin-left: auto; text-align: right; font-size: .88rem; }
        .top-side nav { display: flex; gap: 14px; justify-content: flex-end; }

        main { max-width: 1280px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
        main > * { min-width: 0; }
        .grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); }
        .card {
          background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
          min-width: 0;
        }
        h2 {
          font-size: .8rem; text-transform: uppercase; letter-spacing: .09em; color: var(--muted); margin: 0 0 10px;
        }
        h2 .count { text-transform: none; letter-spacing: 0; font-weight: 400; }
        h3 { font-size: 1rem; margin: 0 0 6px; }
        .banner { border-radius: 10px; padding: 12px 16px; border: 1px solid var(--bad); background: var(--bad-bg); }
        .banner strong { color: var(--bad); }
        .banner ul { margin: 6px 0 0; padding-left: 20px; }

        .badge {
          display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: .8rem; font-weight: 650;
          white-space: nowrap; vertical-align: 1px;
        }
        .badge.ok { color: var(--ok); background: var(--ok-bg); }
        .badge.warn { color: var(--warn); background: var(--warn-bg); }
        .badge.bad { color: var(--bad); background: var(--bad-bg); }
        .badge.neutral { color: var(--neutral); background: var(--neutral-bg); }
        .hl-warn { color: var(--warn); background: var(--warn-bg); font-weight: 650; }
        .hl-bad { color: var(--bad); background: var(--bad-bg); font-weight: 650; }
        dd.hl-warn, dd.hl-bad { padding: 0 6px; border-radius: 4px; justify-self: start; }

        .link + .link { margin-top: 12px; padding-top: 12px; border-top: 1px solid var(--line); }
        .link h3 { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
        dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 14px; margin: 0; }
        dl.kv dt { color: var(--muted); }
        dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        ul.subs { list-style: none; margin: 0; padding: 0; }
        ul.subs li { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
        ul.subs code { overflow-wrap: anywhere; }

        .stats { display: flex; flex-wrap: wrap; gap: 6px 28px; margin-bottom: 10px; }
        .stat .big { font-size: 1.9rem; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.15; }
        .stat .label { color: var(--muted); font-size: .82rem; }

        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: .8rem; white-space: nowrap; }
        th.num { text-align: right; }
        tr:last-child td { border-bottom: 0; }
        td.msg { overflow-wrap: anywhere; min-width: 14em; }
        td.topic { overflow-wrap: anywhere; min-width: 10em; }
        .empty {
          color: var(--muted); padding: 14px; text-align: center; border: 1px dashed var(--line); border-radius: 8px;
        }
        .empty strong { color: var(--fg); }
        .note { color: var(--muted); font-size: .88rem; margin: -4px 0 10px; }

        .devices { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 330px), 1fr)); }
        .device { border-top: 4px solid var(--accent); }
        .u-water { --accent: var(--water); }
        .u-power { --accent: var(--power); }
        .u-gas { --accent: var(--gas); }
        .device h3 { display: flex; flex-wrap: wrap; gap: 2px 6px; align-items: baseline; overflow-wrap: anywhere; }
        .device h3 .utility {
          color: var(--accent); text-transform: uppercase; font-size: .78rem; letter-spacing: .08em;
        }
        .device h3 .sep { color: var(--muted); }
        .metric {
          display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0 10px; padding: 8px 0 4px;
          border-top: 1px solid var(--line);
        }
        .metric .name { overflow-wrap: anywhere; }
        .metric .age { display: block; color: var(--muted); font-size: .76rem; }
        .metric .value {
          font-size: 1.2rem; font-weight: 650; font-variant-numeric: tabular-nums; text-align: right;
          white-space: nowrap;
        }
        .metric .unit { color: var(--muted); font-size: .85rem; font-weight: 400; }
        .metric .chart { grid-column: 1 / -1; margin-top: 4px; color: var(--accent); }
        svg.spark { display: block; width: 100%; height: auto; }

        footer { max-width: 1280px; margin: 0 auto; padding: 4px 16px 24px; color: var(--muted); font-size: .82rem; }

        @media (max-width: 600px) {
          body { font-size: 14px; }
          main { padding: 10px; gap: 10px; }
          .grid, .devices { gap: 10px; }
          .card { padding: 12px; }
          .state { font-size: 1.05rem; padding: 5px 12px; }
          .top-side { margin-left: 0; text-align: left; width: 100%; }
          .top-side nav { justify-content: flex-start; }
          .stat .big { font-size: 1.5rem; }
        }
        """
}
