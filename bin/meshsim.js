#!/usr/bin/env node
// The installed command: runs the compiled CLI (npm ci / npm install build dist/ via the prepare script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
