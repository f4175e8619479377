// Renders TeX to HTML for the site build: one JSON request per line on stdin
// ({"tex": "...", "display": true}), one JSON answer per line on stdout
// ({"html": "..."} or {"error": "..."}). Started once per build by math.py.
const katex = require("katex");
const readline = require("readline");

const lines = readline.createInterface({ input: process.stdin, terminal: false });
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
