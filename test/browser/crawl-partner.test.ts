// Every page a partner can reach by following links, at 375 px (test/helpers/crawl.ts).
import { crawlAs } from '../helpers/crawl.js';

crawlAs('partner');
