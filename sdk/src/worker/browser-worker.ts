/// <reference lib="webworker" />
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { createBrowserLoader, openBrowserHeadStore } from '../engine/load-files-browser.ts';
import { selectBrowserRuntime } from '../engine/runtime-browser.ts';
import { exposeEngine } from './expose-engine.ts';

exposeEngine(new ClassifierEngine({ selectRuntime: selectBrowserRuntime, loadFiles: createBrowserLoader(), openHeadStore: openBrowserHeadStore }));
