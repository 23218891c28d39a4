/// <reference lib="webworker" />
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { browserPlatform } from '../engine/platform.browser.ts';
import { exposeEngine } from './expose-engine.ts';

exposeEngine(new ClassifierEngine(browserPlatform()));
