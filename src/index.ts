import './stacks.js';
import { run } from './main.js';

await run();
