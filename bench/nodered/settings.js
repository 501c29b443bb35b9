// Node-RED settings for bench/peer: no editor, the info log (the runner waits for "Connected to broker"), and one pg
// pool of 10 connections shared by the flow's function nodes (the way node-red-contrib-postgresql, not served here,
// pools its connections). The benchmark runner sets the PEER_* variables and copies a flows-*.json in as flows.json.
const { Pool } = require("pg");

module.exports = {
    uiPort: Number(process.env.PEER_HTTP_PORT),
    uiHost: "127.0.0.1",
    httpAdminRoot: false,
    httpNodeRoot: false,
    flowFile: "flows.json",
    credentialSecret: false,
    logging: { console: { level: "info", metrics: false, audit: false } },
    functionGlobalContext: {
        pool: new Pool({
            host: "127.0.0.1",
            port: Number(process.env.PEER_PG_PORT),
            user: process.env.PEER_PG_USER,
            password: process.env.PEER_PG_PASSWORD,
            database: "postgres",
            max: 10,
        }),
    },
};
