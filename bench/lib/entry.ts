// What the benchmarks measure, bundled by esbuild the way the shipped CLI and extension are
// (one scope, no per-module indirection), so the figures are those of the product's code.
export { otlpTypes } from '../../src/core/otlp/schema.js';
export { decodeJson, decodeProtobuf, decodeProtobufReference, normalize } from '../../src/core/otlp/index.js';
export { RunStore } from '../../src/core/store.js';
export { startReceiver } from '../../src/receiver/index.js';
export { BundleWriter } from '../../src/bundle/writer.js';
export { BuildSession } from '../../src/launch/session.js';
