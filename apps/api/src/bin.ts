#!/usr/bin/env node
// `bi-perf-api`: the server, as an installed command.
import './main.js'
