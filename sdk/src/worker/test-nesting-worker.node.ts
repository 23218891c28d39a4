import { expose } from 'comlink';
import { parentPort } from 'node:worker_threads';
import { reportMessageLoss } from './message-loss.ts';
import { portEndpoint } from './port-endpoint.node.ts';

/** A worker for message-loss tests: it answers with arrays nested as deep as asked. */
const endpoint = portEndpoint(parentPort!);
reportMessageLoss(endpoint);
expose(
  {
    nested(depth: number): unknown {
      let value: unknown = [];
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    },
    receive: (_value: unknown) => 'received',
  },
  endpoint,
);
