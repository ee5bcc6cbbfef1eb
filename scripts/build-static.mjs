// Copies the front-end packages' distribution files into jtlcloud/static/vendor.
// Kept out of git: the lockfile pins what lands here.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const target = "jtlcloud/static/vendor";
const files = [
  ["node_modules/@picocss/pico/css/pico.min.css", "pico/pico.min.css"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["node_modules/uplot/dist/uPlot.iife.min.js", "uplot/uPlot.iife.min.js"],
  ["node_modules/uplot/dist/uPlot.min.css", "uplot/uPlot.min.css"],
];
rmSync(target, { recursive: true, force: true });
for (const [from, to] of files) {
  mkdirSync(`${target}/${to.split("/").slice(0, -1).join("/")}`, { recursive: true });
  cpSync(from, `${target}/${to}`);
}
console.log(`front-end packages copied into ${target}`);
