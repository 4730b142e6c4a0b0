#!/usr/bin/env node
// tinysweep CLI shim: runs the built entry point (build with `npx tsc -b apps/cli`).
import '../dist/main.js';
