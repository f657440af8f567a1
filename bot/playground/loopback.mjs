// The Agents Playground listens on every interface and has no host option; supervision data
// must stay on this machine, so its servers are bound to loopback.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function patchedListen(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const rest = args.slice(1);
    if (typeof rest[0] !== 'string') return listen.call(this, args[0], '127.0.0.1', ...rest);
  }
  if (args[0] && typeof args[0] === 'object' && !('path' in args[0]) && !args[0].host) {
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
