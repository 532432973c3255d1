"""Offline stand-in for DynamoDB Local: the JSON API subset the workshop uses.

Started by /usr/bin/java with the real image's command line, e.g.
    java -jar DynamoDBLocal.jar -sharedDb -dbPath ./data -port 8000

Operations: CreateTable, DescribeTable, ListTables, DeleteTable, PutItem, GetItem, DeleteItem,
Scan, Query (key condition on the partition key, `=` only). Like DynamoDB Local, each access
key and region get their own database unless -sharedDb is given; with -dbPath the database is
kept in a file there (JSON here, SQLite in the real thing), otherwise in memory.
Signatures are not checked (DynamoDB Local does not check them either).
"""

import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "com.amazonaws.dynamodb.v20120810#"
VERSION = "2.5.2-standin"


class ApiError(Exception):
    def __init__(self, kind, message, status=400):
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


def usage_error(message):
    print(f"DynamoDB Local stand-in: {message}", file=sys.stderr)
    print("usage: java -jar DynamoDBLocal.jar [-port N] [-inMemory | -dbPath DIR] [-sharedDb]", file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    opts = {"port": 8000, "inMemory": False, "dbPath": None, "sharedDb": False,
            "delayTransientStatuses": False, "cors": "null"}
    args = list(argv)
    # JVM options before -jar (e.g. -Djava.library.path=./DynamoDBLocal_lib) mean nothing here.
    while args and args[0] != "-jar":
        if not args[0].startswith("-"):
            usage_error(f"unexpected argument {args[0]!r}")
        args.pop(0)
    if not args or len(args) < 2:
        usage_error("expected '-jar DynamoDBLocal.jar'")
    args = args[2:]
    while args:
        a = args.pop(0)
        if a in ("-inMemory", "-sharedDb", "-delayTransientStatuses", "-optimizeDbBeforeStartup",
                 "-disableTelemetry"):
            opts[a[1:]] = True
        elif a in ("-port", "-dbPath", "-cors"):
            if not args:
                usage_error(f"{a} needs a value")
            opts[a[1:]] = args.pop(0)
        elif a in ("-help", "-h"):
            usage_error("help")
        else:
            usage_error(f"unknown option {a!r}")
    if opts["inMemory"] and opts["dbPath"]:
        usage_error("You cannot specify both -dbPath and -inMemory")
    try:
        opts["port"] = int(opts["port"])
    except ValueError:
        usage_error(f"-port needs a number, got {opts['port']!r}")
    return opts


class Store:
    """Databases by name; each is {table name: {"desc": ..., "items": {key: item}}}."""

    def __init__(self, db_path, shared):
        self.db_path, self.shared = db_path, shared
        self.lock = threading.Lock()
        self.dbs = {}

    def db_name(self, headers):
        if self.shared:
            return "shared-local-instance"
        auth = headers.get("Authorization", "")
        m = re.search(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/", auth)
        return f"{m.group(1)}_{m.group(2)}" if m else "anonymous_local"

    def _file(self, name):
        return os.path.join(self.db_path, f"{name}.db")

    def load(self, name):
        if name not in self.dbs:
            db = {}
            if self.db_path and os.path.exists(self._file(name)):
                with open(self._file(name), encoding="utf-8") as f:
                    db = json.load(f)
            self.dbs[name] = db
        return self.dbs[name]

    def save(self, name):
        if not self.db_path:
            return
        os.makedirs(self.db_path, exist_ok=True)
        tmp = self._file(name) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.dbs[name], f)
        os.replace(tmp, self._file(name))


def key_names(desc):
    return [k["AttributeName"] for k in desc["KeySchema"]]


def key_of(desc, item, what):
    names = key_names(desc)
    if what == "key" and set(item) != set(names):
        raise ApiError("ValidationException", "The provided key element does not match the schema")
    parts = []
    for n in names:
        if n not in item:
            raise ApiError("ValidationException",
                           f"One or more parameter values were invalid: Missing the key {n} in the item")
        parts.append(json.dumps(item[n], sort_keys=True))
    return "\u0000".join(parts)


def table(db, body):
    name = body.get("TableName")
    if not name:
        raise ApiError("ValidationException", "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
    if name not in db:
        raise ApiError("ResourceNotFoundException", "Cannot do operations on a non-existent table")
    return db[name]


def described(t):
    desc = dict(t["desc"])
    desc["ItemCount"] = len(t["items"])
    desc["TableSizeBytes"] = sum(len(json.dumps(i)) for i in t["items"].values())
    return desc


def create_table(db, body):
    name = body.get("TableName")
    if not name or not body.get("KeySchema") or not body.get("AttributeDefinitions"):
        raise ApiError("ValidationException", "TableName, KeySchema and AttributeDefinitions are required")
    if name in db:
        raise ApiError("ResourceInUseException", "Cannot create preexisting table")
    defined = {a["AttributeName"] for a in body["AttributeDefinitions"]}
    for k in body["KeySchema"]:
        if k["AttributeName"] not in defined:
            raise ApiError("ValidationException",
                           "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions")
    desc = {
        "AttributeDefinitions": body["AttributeDefinitions"],
        "TableName": name,
        "KeySchema": body["KeySchema"],
        "TableStatus": "ACTIVE",
        "CreationDateTime": time.time(),
        "TableArn": f"arn:aws:dynamodb:ddblocal:000000000000:table/{name}",
    }
    if body.get("BillingMode") == "PAY_PER_REQUEST":
        desc["BillingModeSummary"] = {"BillingMode": "PAY_PER_REQUEST",
                                      "LastUpdateToPayPerRequestDateTime": desc["CreationDateTime"]}
        desc["ProvisionedThroughput"] = {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    else:
        pt = body.get("ProvisionedThroughput")
        if not pt:
            raise ApiError("ValidationException",
                           "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
        desc["ProvisionedThroughput"] = {"LastIncreaseDateTime": 0.0, "LastDecreaseDateTime": 0.0,
                                         "NumberOfDecreasesToday": 0, **pt}
    db[name] = {"desc": desc, "items": {}}
    return {"TableDescription": described(db[name])}, True


def put_item(db, body):
    t = table(db, body)
    item = body.get("Item") or {}
    k = key_of(t["desc"], item, "item")
    old = t["items"].get(k)
    t["items"][k] = item
    out = {"Attributes": old} if body.get("ReturnValues") == "ALL_OLD" and old else {}
    return out, True


def get_item(db, body):
    t = table(db, body)
    item = t["items"].get(key_of(t["desc"], body.get("Key") or {}, "key"))
    return ({"Item": item} if item else {}), False


def delete_item(db, body):
    t = table(db, body)
    old = t["items"].pop(key_of(t["desc"], body.get("Key") or {}, "key"), None)
    return ({"Attributes": old} if body.get("ReturnValues") == "ALL_OLD" and old else {}), old is not None


def page(items, body):
    limit = body.get("Limit")
    items = items[:limit] if limit else items
    return {"Items": items, "Count": len(items), "ScannedCount": len(items)}


def scan(db, body):
    return page(list(table(db, body)["items"].values()), body), False


def query(db, body):
    t = table(db, body)
    expr = body.get("KeyConditionExpression", "")
    names = body.get("ExpressionAttributeNames") or {}
    values = body.get("ExpressionAttributeValues") or {}
    m = re.fullmatch(r"\s*(#?\w+)\s*=\s*(:\w+)\s*", expr)
    if not m:
        raise ApiError("ValidationException",
                       "offline stand-in: only KeyConditionExpression '<partition key> = :value' is supported")
    attr = names.get(m.group(1), m.group(1))
    if attr != key_names(t["desc"])[0]:
        raise ApiError("ValidationException", "Query condition missed key schema element: " + key_names(t["desc"])[0])
    if m.group(2) not in values:
        raise ApiError("ValidationException",
                       f"Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: {m.group(2)}")
    want = values[m.group(2)]
    return page([i for i in t["items"].values() if i.get(attr) == want], body), False


def describe_table(db, body):
    return {"Table": described(table(db, body))}, False


def delete_table(db, body):
    t = table(db, body)
    del db[body["TableName"]]
    return {"TableDescription": described(t)}, True


def list_tables(db, body):
    names = sorted(db)
    start = body.get("ExclusiveStartTableName")
    if start:
        names = [n for n in names if n > start]
    limit = body.get("Limit") or 100
    out = {"TableNames": names[:limit]}
    if len(names) > limit:
        out["LastEvaluatedTableName"] = names[limit - 1]
    return out, False


OPERATIONS = {f.__name__.title().replace("_", ""): f for f in (
    create_table, describe_table, list_tables, delete_table,
    put_item, get_item, delete_item, scan, query)}


def make_handler(store):
    class Handler(BaseHTTPRequestHandler):
        server_version = "Jetty(stand-in)"
        protocol_version = "HTTP/1.1"

        def reply(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", os.urandom(8).hex())
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            # What curl http://localhost:8000 shows on the real thing: a signature complaint.
            self.reply(400, {"__type": PREFIX + "MissingAuthenticationToken",
                             "message": "Request must contain either a valid (registered) AWS access key ID or X.509 certificate."})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            target = self.headers.get("X-Amz-Target", "")
            op = target.rpartition(".")[2]
            try:
                if op not in OPERATIONS:
                    raise ApiError("UnknownOperationException",
                                   f"offline stand-in: operation {op or '(none)'!r} is not implemented")
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise ApiError("SerializationException", "Start of structure or map found where not expected")
                with store.lock:
                    name = store.db_name(self.headers)
                    db = store.load(name)
                    out, changed = OPERATIONS[op](db, body)
                    if changed:
                        store.save(name)
                self.reply(200, out)
            except ApiError as e:
                self.reply(e.status, {"__type": PREFIX + e.kind, "message": e.message})

        def log_message(self, fmt, *args):
            pass

    return Handler


def main():
    opts = parse_args(sys.argv[1:])
    db_path = None if opts["inMemory"] else os.path.abspath(opts["dbPath"] or ".")
    print("Initializing DynamoDB Local with the following configuration:")
    print(f"Port:\t{opts['port']}")
    print(f"InMemory:\t{str(db_path is None).lower()}")
    print(f"Version:\t{VERSION}")
    print(f"DbPath:\t{db_path}")
    print(f"SharedDb:\t{str(opts['sharedDb']).lower()}")
    print(f"shouldDelayTransientStatuses:\t{str(opts['delayTransientStatuses']).lower()}")
    print(f"CorsParams:\t{opts['cors']}")
    print("(offline stand-in: Python, DynamoDB JSON API subset; see /opt/dynamodb-standin/server.py)")
    print(flush=True)
    server = ThreadingHTTPServer(("0.0.0.0", opts["port"]), make_handler(Store(db_path, opts["sharedDb"])))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
