#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/TARGET/ from the repository's own profiles,
templates, examples and test data, plus hand-made AWS, Docker and Engine samples.
Run from the repository root: python3 fuzz/seeds.py (found inputs and regression inputs in
the same folders, named crash-*/regress-*, are left alone)."""
import glob
import hashlib
import os
import struct

ROOT = 'fuzz/corpus'


def read(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        return f.read()


def put(target, data, name=None):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    if len(data) > 16384:
        return
    name = name or 'seed-' + hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def project(dirpath):
    """A test project folder as one fuzz_profile_load input."""
    main = os.path.join(dirpath, 'devenv.yaml')
    parts = [read(main)]
    files = glob.glob(dirpath + '/**/*', recursive=True) + glob.glob(dirpath + '/.devenv/**/*', recursive=True)
    files += glob.glob(dirpath + '/.env*')
    for f in sorted(set(files)):
        if not os.path.isfile(f) or f == main:
            continue
        rel = os.path.relpath(f, dirpath)
        if rel.endswith('.yaml') or rel.startswith('.env'):
            parts.append('=== ' + rel + '\n' + read(f))
    args = []
    a = os.path.join(dirpath, 'args')
    if os.path.exists(a):
        w = read(a).split()
        i = 0
        while i < len(w):
            verb = {'--set': 'set', '--overlay': 'overlay', '--port-offset': 'offset'}.get(w[i])
            if verb and i + 1 < len(w):
                args.append(verb + ' ' + w[i + 1])
                i += 2
            else:
                i += 1
    if args:
        parts.append('=== args\n' + '\n'.join(args))
    return '\n'.join(parts)


def main():
    yamls = glob.glob('profiles/*.yaml') + glob.glob('templates/*.yaml')
    yamls += glob.glob('examples/**/*.yaml', recursive=True) + glob.glob('tests/data/**/*.yaml', recursive=True)
    for y in sorted(set(yamls)):
        put('fuzz_yaml_roundtrip', read(y))

    for d in sorted(glob.glob('tests/data/bad/*/')) + sorted(glob.glob('examples/*/')):
        if os.path.exists(os.path.join(d, 'devenv.yaml')):
            put('fuzz_profile_load', project(d.rstrip('/')), 'seed-' + os.path.basename(d.rstrip('/')))
    for p in sorted(glob.glob('profiles/*.yaml')):
        n = os.path.basename(p)[:-5]
        put('fuzz_profile_load', 'extends: %s\n' % n, 'seed-extends-' + n)
    for t in sorted(glob.glob('templates/*.yaml')):
        n = os.path.basename(t)[:-5]
        put('fuzz_profile_load', 'services:\n  svc:\n    template: %s\n' % n, 'seed-template-' + n)
    put('fuzz_profile_load', '''name: chain
extends: .devenv/profiles/base.yaml
variables:
  DB: app
services:
  db:
    template: db
    with: {version: "${DB_VERSION:-16}"}
overlays:
  dev: {services: {db: {with: {port: 5433}}}}
=== .devenv/profiles/base.yaml
extends: postgres
variables: {DB_VERSION: "15"}
=== .devenv/templates/db.yaml
''' + read('tests/data/bad/param-port-out-of-range/.devenv/templates/db.yaml') + '''
=== .env
DB_VERSION=14
export USER_NAME="dev ${HOME}"
=== args
overlay dev
set services.db.with.version=17
offset 100
''', 'seed-hand-chain')

    envs = ['A=1\nB="two\\nlines"\nC=\'single $A\'\nexport D=${A:-x} # comment\nE\nF: colon\n',
            '\ufeffKEY=value\n# comment\n\nMULTI="a\nb"\nX=a#b\nY=a #c\nZ=${HOME}/x ${USER:?no user}\n',
            "Q='it\\'s'\nR=\"\\$HOME \\t\\\\\"\nS=${MISSING-default}${EMPTY:+alt}\n"]
    for i, e in enumerate(envs):
        put('fuzz_dotenv', e, 'seed-%d' % i)
    for f in glob.glob('tests/**/.env*', recursive=True) + glob.glob('examples/**/.env*', recursive=True):
        put('fuzz_dotenv', read(f))

    sets = ['services.postgres.image=postgres:16\nservices:\n  postgres: {image: pg}\n',
            'a."dotted.key".b=[1, 2]\na: {}\n',
            'list[2]=x\nlist: [a, b, c]\n',
            'services.api.ports[0]="8080:80"\nservices: {api: {ports: ["1:1"]}}\n',
            'seed.aws.sqs.queues[1].name=q2\nseed: {aws: {sqs: {queues: [{name: a}, {name: b}]}}}\n',
            'x={a: 1, b: [2]}\n']
    for i, e in enumerate(sets):
        put('fuzz_set_path', e, 'seed-%d' % i)

    xmls = ['<?xml version="1.0"?>\n<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>'
            '<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist &amp; &lt;x&gt; '
            '&#233; &#x1F600;</Message></Error><RequestId>1</RequestId></ErrorResponse>',
            '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            '<Name>bucket</Name><IsTruncated>true</IsTruncated><NextContinuationToken>tok==</NextContinuationToken>'
            '<Contents><Key>a/b.txt</Key><ETag>&quot;abc&quot;</ETag></Contents><Contents><Key>c</Key><ETag/></Contents>'
            '</ListBucketResult>',
            '<ListVersionsResult><Version><Key>k</Key><VersionId>null</VersionId></Version><DeleteMarker><Key>k2</Key>'
            '<VersionId>v2</VersionId></DeleteMarker></ListVersionsResult>',
            '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>000000000000</Account></GetCallerIdentityResult>'
            '</GetCallerIdentityResponse>',
            '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
            '<CreateQueueResponse><CreateQueueResult><QueueUrl>http://localhost:4566/000000000000/q</QueueUrl>'
            '</CreateQueueResult></CreateQueueResponse>',
            '<DeleteResult><Error><Key>x</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>']
    for i, x in enumerate(xmls):
        put('fuzz_aws_xml', x, 'seed-%d' % i)

    resp = ['400\nx-amzn-RequestId: 1\nContent-Type: application/x-amz-json-1.0\n\n'
            '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceInUseException","message":"Table already exists: t"}',
            '400\nx-amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/\n\n'
            '{"Message":"Function not found"}',
            '200\nContent-Type: application/x-amz-json-1.1\n\n{"TableNames":["a","b"],"LastEvaluatedTableName":"b"}',
            '404\n\n<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist'
            '</Message></Error>',
            '200\n\n', '500\n\nnot json at all', '403\n\n{"code":"AccessDenied","message":"x"}']
    for i, x in enumerate(resp):
        put('fuzz_aws_response', x, 'seed-%d' % i)

    def frame(s, b):
        return bytes([s, 0, 0, 0]) + struct.pack('>I', len(b)) + b
    put('fuzz_docker_stream', b'\x07' + frame(1, b'hello\n') + frame(2, b'oops\n') + frame(1, b''), 'seed-frames')
    put('fuzz_docker_stream', b'\x00' + frame(1, b'a' * 300) + frame(2, b'b'), 'seed-bytewise')
    put('fuzz_docker_stream', b'\x83plain tty text\r\n', 'seed-tty')
    put('fuzz_docker_stream', b'\x10' + bytes([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) + b'claims too much', 'seed-claims')
    put('fuzz_docker_stream', b'\x05' + frame(0, b'in') + frame(3, b'three') + b'\x01\x00\x00', 'seed-partial')

    lst = ('[{"Id":"4f66ad9a0b2e","Names":["/app-postgres-1"],"Image":"postgres:16","State":"running",'
           '"Status":"Up 5 seconds (healthy)","Created":1700000000,"Labels":{"com.docker.compose.project":"app",'
           '"com.docker.compose.service":"postgres"},"Ports":[{"IP":"0.0.0.0","PrivatePort":5432,"PublicPort":15432,'
           '"Type":"tcp"},{"PrivatePort":9000,"Type":"tcp"}]},{"Id":"b2","Names":["/app-api-1"],"Image":"api",'
           '"State":"exited","Status":"Exited (3) 2 seconds ago","Labels":{}}]')
    insp = ('{"Id":"4f66ad9a0b2e","Name":"/app-postgres-1","Created":"2026-01-01T00:00:00.1Z","RestartCount":2,'
            '"Config":{"Image":"postgres:16","Tty":false,"Labels":{"com.docker.compose.service":"postgres"}},'
            '"NetworkSettings":{"Ports":{"5432/tcp":[{"HostIp":"0.0.0.0","HostPort":"15432"},{"HostIp":"::",'
            '"HostPort":"15432"}],"9000/udp":null,"80":[]}},"State":{"Status":"running","Running":true,"ExitCode":0,'
            '"StartedAt":"2026-01-01T00:00:01Z","FinishedAt":"0001-01-01T00:00:00Z","Error":"","OOMKilled":false,'
            '"Health":{"Status":"healthy","Log":[{"Output":"ok\\n","ExitCode":0}]}}}')
    put('fuzz_engine_json', lst, 'seed-list')
    put('fuzz_engine_json', insp, 'seed-inspect')
    put('fuzz_engine_json', lst + '\n\x00' + insp, 'seed-list-inspect')
    put('fuzz_engine_json', '[{"Id":"x","State":"restarting","Status":"Restarting (137) 1 second ago"}]\n\x00'
        '{"State":{"Status":"exited","ExitCode":137,"OOMKilled":true,"Health":{"Status":"unhealthy","Log":[]}},'
        '"Config":{"Tty":true}}', 'seed-oom')


if __name__ == '__main__':
    main()
