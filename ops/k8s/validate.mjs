// CI's check of the Kubernetes manifests (node validate.mjs, after npm ci): every object of every
// overlay validates against the Kubernetes schemas (kubernetes-models) and the Prometheus Operator's
// (@kubernetes-models/prometheus-operator), with no field the schema does not know; the committed
// renderings in rendered/ are current; and, where kubectl is installed, kustomize itself renders
// the same objects. Exits non-zero on any failure. OpsManifestsIntegrationTests (JUnit) checks the renderings
// against the application.
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { build } from "./kustomize-lite.mjs";
import { HERE, OVERLAYS, rendering, renderedFile } from "./render.mjs";

// apiVersion -> the module holding its kinds' models.
function modelModule(apiVersion) {
  if (apiVersion === "monitoring.coreos.com/v1") {
    return "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
  }
  return `kubernetes-models/${apiVersion}`;
}

async function modelOf(object) {
  let module;
  try {
    module = await import(modelModule(object.apiVersion));
  } catch {
    throw new Error(`no schema for apiVersion ${object.apiVersion}`);
  }
  const model = module[object.kind];
  if (typeof model?.prototype?.validate !== "function") {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  }
  return model;
}

// The generated validators read every property their schema declares and no other, so a property
// they never read is one the API server would refuse (kubectl's strict field validation) or drop.
function fieldsNeverRead(object, validate) {
  const read = new Map();
  const track = (value) => {
    if (value === null || typeof value !== "object") return value;
    if (!read.has(value)) read.set(value, new Set());
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") read.get(target).add(key);
        return track(Reflect.get(target, key, receiver));
      },
    });
  };
  validate(track(object));
  const unknown = [];
  const walk = (value, at) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${at}/${i}`));
    for (const key of Object.keys(value)) {
      if (!read.get(value)?.has(key)) unknown.push(`${at}/${key}`);
      walk(value[key], `${at}/${key}`);
    }
  };
  walk(object, "");
  return unknown;
}

/** The problems of one object: schema violations, then unknown fields. */
export async function problemsOf(object) {
  let model;
  try {
    model = await modelOf(object);
  } catch (e) {
    return [e.message];
  }
  try {
    const unknown = fieldsNeverRead(object, (tracked) => model.prototype.validate.call(tracked));
    return unknown.map((field) => `unknown field ${field}`);
  } catch (e) {
    return [e.message.split("\n")[0]];
  }
}

const key = (o) => `${o.kind}/${o.metadata?.name}`;
const byKey = (objects) => new Map(objects.map((o) => [key(o), o]));

function kubectlKustomize(dir) {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
  } catch {
    return null;
  }
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  return YAML.parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
}

let passed = 0;
let failed = 0;
let skipped = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const problem of problems) console.log(`       ${problem}`);
  }
}

// The checker must catch what it is for: a wrong type, a misspelt field, an unknown kind.
const canaries = [
  [{ apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "80" }] } }, "must be integer"],
  [{ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" },
     spec: { selector: {}, endpoints: [{ port: "management", intervall: "15s" }] } }, "unknown field /spec/endpoints/0/intervall"],
  [{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { selector: {}, template: {},
     replica: 2 } }, "unknown field /spec/replica"],
  [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } }, "no schema"],
];
for (const [object, expected] of canaries) {
  const problems = await problemsOf(object);
  check(`the checker refuses a ${object.kind} with "${expected}"`,
    problems.some((p) => p.includes(expected)) ? [] : [`expected "${expected}", got ${JSON.stringify(problems)}`]);
}

for (const overlay of OVERLAYS) {
  const objects = build(path.join(HERE, "overlays", overlay));
  for (const object of objects) {
    check(`${overlay}: ${object.apiVersion} ${key(object)}`, await problemsOf(object));
  }
  const committed = fs.existsSync(renderedFile(overlay)) ? fs.readFileSync(renderedFile(overlay), "utf8") : "";
  check(`${overlay}: rendered/${overlay}.yaml is current`,
    committed === rendering(overlay) ? [] : ["stale: run node ops/k8s/render.mjs and commit the result"]);
  const kustomized = kubectlKustomize(path.join(HERE, "overlays", overlay));
  if (kustomized === null) {
    skipped++;
    console.log(`skip ${overlay}: the same as kubectl kustomize (kubectl is not installed)`);
  } else {
    const ours = byKey(objects);
    const theirs = byKey(kustomized);
    const problems = [];
    for (const name of new Set([...ours.keys(), ...theirs.keys()])) {
      if (!isDeepStrictEqual(ours.get(name), theirs.get(name))) problems.push(`${name} differs`);
    }
    check(`${overlay}: the same as kubectl kustomize`, problems);
  }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 ? 0 : 1);
