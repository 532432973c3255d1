/**
 * What each demo of slides.md teaches, as patterns its output must show: [step, pattern].
 * Outcomes (ok, expected failure, skipped when online) are checked for every step anyway.
 */
export interface Teaches {
  what: string
  steps: Array<[number, RegExp]>
}

export const TEACHES: Record<string, Teaches> = {
  'review-basics': { what: 'run, ps, exec, stop, rm', steps: [[2, /hello, docker/], [4, /CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES[\s\S]*review-web/], [5, /index\.html/], [7, /review-web/]] },
  'image-layers': { what: 'history shows the layers of an image', steps: [[2, /IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT(\n.*){3,}/], [3, /REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE[\s\S]*python\s+latest/]] },
  'diff-attach': { what: 'docker diff lists added, changed and deleted files', steps: [[5, /A \/root\/test\.txt/], [5, /D \/etc\/alpine-release/], [5, /C \/root/]] },
  'diff-exec': { what: 'exec -it into a sleep infinity container, then diff', steps: [[5, /A \/root\/test\.txt/]] },
  'ps-size': { what: 'ps -s shows the R/W layer size against the virtual size', steps: [[2, /SIZE[\s\S]*difftest\s+5\.\d+MB \(virtual \d+(\.\d+)?MB\)/]] },
  'storage-driver': { what: 'overlay2 and its lower, upper and merged directories', steps: [[1, /Storage Driver: overlay2/], [2, /"LowerDir"[\s\S]*"MergedDir"[\s\S]*"UpperDir"/]] },
  'docker-root': { what: 'the files under /var/lib/docker on the Docker host', steps: [[1, /containers[\s\S]*overlay2[\s\S]*volumes/], [2, /[0-9a-f]{64}/], [3, /\d+(\.\d+)?[KM]\s+\/var\/lib\/docker\/containers\/[0-9a-f]{64}/], [5, /big\.bin[\s\S]*test\.txt|test\.txt[\s\S]*big\.bin/]] },
  'docker-desktop-vm': { what: 'the Docker Desktop VM line is shown, not run', steps: [] },
  'mount-tmpfs': { what: 'a tmpfs lives in memory and is empty after a restart', steps: [[3, /tmpfs\s.*\/cache/], [4, /memo\.txt/], [7, /^total 0$/m]] },
  'volume-create': { what: 'volume create, inspect, automatic and anonymous volumes', steps: [[1, /^vol$/m], [2, /"Mountpoint": "\/var\/lib\/docker\/volumes\/vol\/_data"/], [6, /DRIVER\s+VOLUME NAME[\s\S]*local\s+[0-9a-f]{64}[\s\S]*local\s+vol\n[\s\S]*local\s+vol2/]] },
  'volume-where': { what: 'where a volume lives, and readonly', steps: [[1, /\/var\/lib\/docker\/volumes\/vol\/_data/], [2, /\bvol\b[\s\S]*\bvol2\b|\bvol2\b[\s\S]*\bvol\b/], [3, /Read-only file system/]] },
  'volume-share': { what: 'a second container sees test.txt in the shared volume; prune removes only unused demo volumes', steps: [[3, /Exited \(0\)[\s\S]*(writer|reader)/], [4, /test\.txt/], [6, /Deleted Volumes:\nvol\n/]] },
  'bind-mount': { what: 'a bind mount shares a host directory both ways', steps: [[4, /hello\.txt/], [5, /hello from container/]] },
  'volume-backup': { what: 'backup with --volumes-from and tar', steps: [[3, /\/dbdata\/memo\.txt/], [4, /backup\.tar/]] },
  'volume-restore': { what: 'restore the tar into another volume', steps: [[2, /dbdata\/memo\.txt/], [3, /important data/]] },
  'net-ss': { what: 'listening sockets and addresses on the Docker host', steps: [[1, /State\s+Recv-Q\s+Send-Q\s+Local Address:Port/], [2, /docker0\s+\S+\s+172\.17\.0\.1\/16/]] },
  'net-veth': { what: 'the container eth0 pairs with a host veth on docker0', steps: [[2, /eth0@if\d+/], [3, /^\d+$/m], [4, /veth\w+@if\d+/], [5, /master docker0/]] },
  'net-namespace': { what: 'a container is a network namespace', steps: [[2, /eth0@if\d+[\s\S]*inet 172\.17\./], [3, /lo: <LOOPBACK>/]] },
  'net-dig': { what: 'the host resolver; dig needs the internet', steps: [[1, /nameserver/]] },
  'net-setup': { what: 'a user network, co1-co4, and co4 on both networks', steps: [[1, /^[0-9a-f]{64}$/m]] },
  'net-inspect': { what: 'the two networks and their subnets', steps: [[1, /co1[\s\S]*co4|co4[\s\S]*co1/], [2, /"Name": "bridge"[\s\S]*"Name": "co3"/], [3, /"Name": "net"[\s\S]*"Name": "co1"[\s\S]*"Name": "co2"|"Name": "net"[\s\S]*"Name": "co2"[\s\S]*"Name": "co1"/], [4, /"Subnet":"172\.17\.0\.0\/16"/], [5, /"Subnet":"\d+\.\d+\.\d+\.\d+\/\d+"/]] },
  'net-ping-co1': { what: 'co1 pings co2 by name and cannot resolve co3', steps: [[2, /2 packets transmitted, 2 packets received/], [3, /bad address 'co3'/], [4, /eth0@if\d+[\s\S]*inet \d+\.\d+\.\d+\.\d+/]] },
  'net-ping-co4': { what: 'co4 reaches co1 by name, co3 only by address', steps: [[3, /2 packets received/], [4, /bad address 'co3'/], [5, /2 packets received/]] },
  'net-dns': { what: 'a user network resolves names through 127.0.0.11', steps: [[3, /eth0@if\d+[\s\S]*eth1@if\d+|eth1@if\d+[\s\S]*eth0@if\d+/], [6, /Name:\s+co1\nAddress:?\s+\d+\.\d+\.\d+\.\d+/], [7, /nameserver 127\.0\.0\.11/]] },
  'net-dns-co3': { what: 'the default bridge uses the host DNS, not 127.0.0.11', steps: [[2, /nameserver (?!127\.0\.0\.11)/]] },
  'net-cleanup': { what: 'remove co1-co4 and net', steps: [[1, /co1\nco2\nco3\nco4/], [2, /^net$/m]] },
  'net-host': { what: 'the host network: the host interfaces and localhost', steps: [[1, /docker0/], [4, /Directory listing|<html|<!DOCTYPE/i]] },
  'etcd-up': { what: 'the first etcd member on its network', steps: [[1, /^[0-9a-f]{64}$/m]] },
  'etcd-up-2': { what: 'three members find each other by name', steps: [[3, /etcd1[\s\S]*etcd2[\s\S]*etcd3|started/]] },
  'etcd-rw': { what: 'write on one member, read on the others', steps: [[1, /Name:\s+etcd2/], [3, /hello from etcd1/], [4, /hello from etcd1/], [5, /IS LEADER/]] },
  'etcd-quorum': { what: 'two of three still serve; one alone refuses', steps: [[2, /^OK$/m], [3, /3 台中 2 台でも書ける/], [5, /context deadline exceeded|request timed out/], [8, /^OK$/m]] },
  'etcd-cleanup': { what: 'remove the cluster', steps: [[1, /etcd1\netcd2\netcd3/]] },
  'ddb-up': { what: 'DynamoDB Local with its data on a named volume', steps: [[2, /^ddb-data$/m]] },
  'ddb-list': { what: 'a client container on the same network talks to DynamoDB by name', steps: [[1, /"TableNames"/]] },
  'ddb-client': { what: 'create a table', steps: [[3, /"TableName": "Music"/], [4, /"Music"/]] },
  'ddb-items': { what: 'put and get an item', steps: [[3, /Hello Volume/]] },
  'ddb-persist': { what: 'the data survives a restart and a new container on the volume', steps: [[3, /Hello Volume/], [7, /Hello Volume/]] },
  'ddb-cleanup': { what: 'remove the DynamoDB demo', steps: [[3, /^ddb-data$/m]] },
  'logging-rotate': { what: 'json-file rotation options and docker logs', steps: [[2, /"max-file":"3","max-size":"1m"/], [3, /log line 1\nlog line 2\nlog line 3/], [4, /^log line 3$/m], [6, /-json\.log/]] },
  'logging-none': { what: 'with the none driver there is nothing to read', steps: [[2, /does not support reading/]] },
  'security-caps': { what: 'the two options add a capability and drop seccomp', steps: [[1, /CapEff:\s+00000000a80425fb[\s\S]*Seccomp:\s+2/], [2, /CapEff:\s+00000000a80c25fb[\s\S]*Seccomp:\s+0/]] },
  'security-seccomp': { what: 'seccomp blocks unshare until unconfined', steps: [[1, /Operation not permitted/], [2, /uid=0\(root\)/]] },
}
