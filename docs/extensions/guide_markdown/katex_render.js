// Renders TeX to HTML for the site build: one JSON request per line on stdin
// ({"tex": "...", "display": true}), one JSON answer per line on stdout
// ({"html": "..."} or {"error": "..."}). Started once per build by
// guide_markdown/katex.py. It ends when its stdin closes or its parent goes away,
// so no renderer outlives the build or server that started it.
const katex = require("katex");
const readline = require("readline");

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("close", () => process.exit(0));
lines.on("line", (line) => {
  let answer;
  try {
    const request = JSON.parse(line);
    answer = {
      html: katex.renderToString(request.tex, {
        displayMode: Boolean(request.display),
        throwOnError: true,
        output: "htmlAndMathml",
        strict: "ignore",
      }),
    };
  } catch (error) {
    answer = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
