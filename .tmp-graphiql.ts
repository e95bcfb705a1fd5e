import { createToken } from './src/auth/tokens.ts';
import { startApiServer } from './src/server/http-server.ts';
import { createRedisStore } from './src/store/redis-store.ts';
const store = await createRedisStore({ prefix: 'capstan-graphiql-check:' });
const api = await startApiServer({ store, port: 7077 });
const { token } = await createToken(store, { role: 'admin' });
console.log(JSON.stringify({ url: api.graphqlUrl, token }));
process.on('SIGTERM', async () => { await api.close(); await store.close(); process.exit(0); });
