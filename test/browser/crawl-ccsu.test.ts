// Every page CCSU can reach by following links, at 375 px: the analyst's, then what only an
// administrator can reach (test/helpers/crawl.ts).
import { crawlAs } from '../helpers/crawl.js';

crawlAs('ccsu_analyst', 'ccsu_admin');
