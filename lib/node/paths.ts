import * as fs from "fs";
import * as path from "path";

/** The project's root folder (the one whose package.json is "lecture3-ts"), found from this file. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, "utf8")).name === "lecture3-ts") return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/**
 * The data cache: datasets/ in the project folder, so every notebook finds the same files from any folder; or the
 * folder named by $LECTURE3_DATA_CACHE (the class hub, hub/jupyterhub_config.py, gives each student their own).
 */
export function datasetsRoot(): string {
  return process.env.LECTURE3_DATA_CACHE || path.join(projectRoot(), "datasets");
}
