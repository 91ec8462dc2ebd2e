// Resolves "dir/module.function" (or module.nested.function) under LAMBDA_TASK_ROOT: CommonJS and
// ES modules both load through import(), which hands CommonJS exports over as named exports and `default`.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export class InitFault extends Error {
  constructor(errorType, message, cause) {
    super(message);
    this.errorType = errorType;
    if (cause?.stack) this.stack = cause.stack;
  }
}

const extensions = ['.js', '.mjs', '.cjs'];

function locate(root, modulePath) {
  const base = path.resolve(root, modulePath);
  for (const ext of extensions) if (fs.existsSync(base + ext)) return base + ext;
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  return null;
}

export async function loadHandler(root, handler) {
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const rest = handler.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    throw new InitFault('Runtime.MalformedHandlerName', `Bad handler ${handler}`);
  }
  const moduleName = dir + rest.slice(0, dot);
  const names = rest.slice(dot + 1).split('.');
  const file = locate(root, moduleName);
  if (file === null) {
    throw new InitFault('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    if (e instanceof SyntaxError) throw new InitFault('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, e);
    if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') {
      throw new InitFault('Runtime.ImportModuleError', `Error: ${e.message}`, e);
    }
    throw e;
  }
  let fn = resolve(mod, names);
  if (fn === undefined && mod.default !== undefined) fn = resolve(mod.default, names);
  if (typeof fn !== 'function') {
    throw new InitFault('Runtime.HandlerNotFound', `${moduleName}.${names.join('.')} is undefined or not exported`);
  }
  return fn;
}

function resolve(object, names) {
  let value = object;
  for (const name of names) {
    if (value === null || value === undefined) return undefined;
    value = value[name];
  }
  return value;
}
