// Renders each overlay into rendered/<overlay>.yaml, the manifests OpsManifestsIntegrationTests reads:
// node render.mjs (validate.mjs fails while a rendering is stale).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { build } from "./kustomize-lite.mjs";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OVERLAYS = ["confirmed", "buffered", "journaled"];

export function rendering(overlay) {
  const header = `# Rendered from overlays/${overlay} by render.mjs; do not edit (edit the kustomization, then run\n# node ops/k8s/render.mjs). Equivalent to: kubectl kustomize ops/k8s/overlays/${overlay}\n`;
  const documents = build(path.join(HERE, "overlays", overlay)).map((o) => YAML.stringify(o, { lineWidth: 0 }));
  return header + documents.map((d) => `---\n${d}`).join("");
}

export function renderedFile(overlay) {
  return path.join(HERE, "rendered", `${overlay}.yaml`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.join(HERE, "rendered"), { recursive: true });
  for (const overlay of OVERLAYS) {
    fs.writeFileSync(renderedFile(overlay), rendering(overlay));
    console.log(`wrote ${path.relative(process.cwd(), renderedFile(overlay))}`);
  }
}
