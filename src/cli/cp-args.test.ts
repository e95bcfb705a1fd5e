import { describe, expect, it } from 'vitest';
import { copyPlan, parseCopyEnd, remoteParts } from './cp-args.ts';

describe('capstan cp arguments', () => {
  it('reads POD:PATH and NAMESPACE/POD:PATH as container paths, anything else as local', () => {
    expect(parseCopyEnd('web-1:/etc/hosts')).toEqual({ pod: 'web-1', path: '/etc/hosts' });
    expect(parseCopyEnd('kube-system/dns:data')).toEqual({ namespace: 'kube-system', pod: 'dns', path: 'data' });
    expect(parseCopyEnd('./a:b')).toEqual({ local: './a:b' });
    expect(parseCopyEnd('/tmp/x:y')).toEqual({ local: '/tmp/x:y' });
    expect(parseCopyEnd('notes.txt')).toEqual({ local: 'notes.txt' });
    expect(parseCopyEnd('Upper:case')).toEqual({ local: 'Upper:case' });
    expect(() => parseCopyEnd('web:')).toThrow(/name a path in the container/);
  });

  it('needs exactly one end in a container', () => {
    expect(copyPlan('web:/data', 'out')).toMatchObject({ direction: 'download', local: 'out' });
    expect(copyPlan('in.txt', 'web:/tmp/in.txt')).toMatchObject({ direction: 'upload', local: 'in.txt' });
    expect(() => copyPlan('a', 'b')).toThrow(/one of the paths must be in a container/);
    expect(() => copyPlan('a:/x', 'b:/y')).toThrow(/between two containers/);
  });

  it('splits a container path into the folder and the name tar is run with', () => {
    expect(remoteParts('/var/log/app.log')).toEqual({ parent: '/var/log', name: 'app.log' });
    expect(remoteParts('/data/')).toEqual({ parent: '/', name: 'data' });
    expect(remoteParts('rel/x')).toEqual({ parent: 'rel', name: 'x' });
    expect(remoteParts('x')).toEqual({ parent: '.', name: 'x' });
    expect(() => remoteParts('/')).toThrow(/not "\/" or "\."/);
    expect(() => remoteParts('.')).toThrow(/not "\/" or "\."/);
  });
});
