// The part of kustomize these manifests use, so that CI needs no kustomize binary: a kustomization's
// `resources` (files and directories) and `patches` from files, either a strategic merge patch that
// sets fields of maps (the object it patches named by its own kind and name) or a JSON 6902 patch
// (add, replace, remove) on a `target` of kind and name. Anything else is refused, not ignored, so
// the rendering never silently differs from `kubectl kustomize`; validate.mjs compares the two where
// kubectl is installed.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const SUPPORTED = new Set(["apiVersion", "kind", "resources", "patches"]);

function readDocuments(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((value) => value !== null && value !== undefined);
}

/** The objects a kustomization directory renders to, in the order its resources name them. */
export function build(dir) {
  const file = path.join(dir, "kustomization.yaml");
  const [kustomization] = readDocuments(file);
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not supported by kustomize-lite.mjs`);
  }
  const objects = [];
  for (const resource of kustomization.resources ?? []) {
    const where = path.join(dir, resource);
    objects.push(...(fs.statSync(where).isDirectory() ? build(where) : readDocuments(where)));
  }
  for (const patch of kustomization.patches ?? []) {
    const unsupported = Object.keys(patch).filter((key) => key !== "path" && key !== "target");
    if (unsupported.length > 0 || !patch.path) {
      throw new Error(`${file}: a patch is a "path" with an optional "target", not ${JSON.stringify(patch)}`);
    }
    const patchFile = path.join(dir, patch.path);
    const [content] = readDocuments(patchFile);
    if (Array.isArray(content)) {
      applyJson6902(find(objects, patch.target, patchFile), content, patchFile);
    } else {
      if (patch.target) throw new Error(`${patchFile}: a strategic merge patch names its object itself`);
      mergeMaps(find(objects, { kind: content.kind, name: content.metadata?.name }, patchFile), content, patchFile, "");
    }
  }
  return objects;
}

function find(objects, target, where) {
  const keys = Object.keys(target ?? {});
  if (keys.some((key) => key !== "kind" && key !== "name") || !target?.kind || !target?.name) {
    throw new Error(`${where}: a target is a kind and a name, not ${JSON.stringify(target)}`);
  }
  const found = objects.filter((o) => o.kind === target.kind && o.metadata?.name === target.name);
  if (found.length !== 1) throw new Error(`${where}: ${found.length} objects are ${target.kind}/${target.name}`);
  return found[0];
}

// Strategic merge of maps only: a list in a patch would be merged by key in kustomize and replaced
// here, so it is refused (use a JSON 6902 patch for lists).
function mergeMaps(target, patch, where, at) {
  for (const [key, value] of Object.entries(patch)) {
    if (Array.isArray(value)) throw new Error(`${where}: ${at}/${key} is a list; patch lists with JSON 6902`);
    if (value === null) delete target[key];
    else if (typeof value === "object" && typeof target[key] === "object" && target[key] !== null) {
      mergeMaps(target[key], value, where, `${at}/${key}`);
    } else target[key] = structuredClone(value);
  }
}

function applyJson6902(target, operations, where) {
  for (const { op, path: pointer, value } of operations) {
    const tokens = pointer.split("/").slice(1).map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = tokens.pop();
    let parent = target;
    for (const token of tokens) {
      parent = parent?.[Array.isArray(parent) ? Number(token) : token];
      if (parent === undefined) throw new Error(`${where}: ${pointer} does not exist`);
    }
    const index = Array.isArray(parent) ? (last === "-" ? parent.length : Number(last)) : last;
    if (op !== "add" && !(index in parent)) throw new Error(`${where}: ${op} ${pointer}: nothing there`);
    if (op === "remove") {
      if (Array.isArray(parent)) parent.splice(index, 1);
      else delete parent[index];
    } else if (op === "replace") {
      parent[index] = structuredClone(value);
    } else if (op === "add") {
      if (Array.isArray(parent)) parent.splice(index, 0, structuredClone(value));
      else parent[index] = structuredClone(value);
    } else throw new Error(`${where}: the operation "${op}" is not supported`);
  }
}
