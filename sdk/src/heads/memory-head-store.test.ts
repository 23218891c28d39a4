import { MemoryHeadStore } from './memory-head-store.ts';
import { describeHeadStoreContract } from './test-heads.ts';

describeHeadStoreContract('MemoryHeadStore', async () => new MemoryHeadStore());
