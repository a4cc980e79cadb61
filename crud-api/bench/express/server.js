// The Express reference for crud-api's `GET /tasks`: Express 5 + jsonwebtoken, and NeDB
// (@seald-io/nedb), Node's embedded in-memory MongoDB-like store, in the role the embedded
// engine plays for crud-api. Per request it does the same work: verify the bearer token
// (HS256, issuer, audience), load the account by id and check the session's token version,
// then one page of the caller's tasks (indexed by owner, newest first, _id breaking ties)
// and their count. No logging, no middleware.
//
//   PORT=8002 PAGES=pages.json OTHERS=50000 JWT_SECRET=... node server.js

"use strict";

const fs = require("node:fs");
const express = require("express");
const jwt = require("jsonwebtoken");
const Datastore = require("@seald-io/nedb");

const PORT = Number(process.env.PORT || 8002);
const SECRET = process.env.JWT_SECRET;
const ISSUER = process.env.JWT_ISSUER || "backend-monorepo";
const AUDIENCE = process.env.JWT_AUDIENCE || "crud-api";
const OTHERS = Number(process.env.OTHERS || 50000);
const OWNERS = 500;

const users = new Datastore();
const tasks = new Datastore();

function publicTask(doc) {
  return {
    id: doc._id,
    title: doc.title,
    description: doc.description,
    status: doc.status,
    priority: doc.priority,
    due_date: doc.due_date,
    tags: doc.tags,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

function unauthorized(res, detail) {
  res.status(401).type("application/problem+json").json({ status: 401, detail });
}

function boundedInt(value, fallback, min, max) {
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : null;
}

async function seed() {
  await tasks.ensureIndexAsync({ fieldName: "ownerId" });
  const pages = JSON.parse(fs.readFileSync(process.env.PAGES, "utf8"));
  for (const [ownerId, page] of Object.entries(pages)) {
    await users.insertAsync({ _id: ownerId, tokenVersion: 0, disabledAt: null });
    await tasks.insertAsync(
      page.items.map(({ id, ...task }) => ({ _id: id, ownerId, ...task })),
    );
  }
  const start = Date.now() - 30 * 86400 * 1000;
  const others = [];
  for (let n = 0; n < OTHERS; n++) {
    const at = new Date(start + n * 1000).toISOString();
    others.push({
      ownerId: `other-${n % OWNERS}`,
      title: `someone else's task ${n}`,
      description: "something to do, described in a sentence or two",
      status: "todo",
      priority: "medium",
      due_date: null,
      tags: ["home", "weekly"],
      created_at: at,
      updated_at: at,
    });
  }
  await tasks.insertAsync(others);
}

const app = express();
app.disable("x-powered-by");
app.disable("etag");

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.get("/tasks", async (req, res) => {
  const header = req.get("authorization") || "";
  if (!header.startsWith("Bearer ")) return unauthorized(res, "Not authenticated");
  let claims;
  try {
    claims = jwt.verify(header.slice(7), SECRET, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  } catch {
    return unauthorized(res, "The access token is invalid");
  }
  const account = await users.findOneAsync({ _id: claims.sub });
  if (!account || account.disabledAt || (claims.ver ?? 0) !== account.tokenVersion) {
    return unauthorized(res, "The session has ended; log in again");
  }
  const limit = boundedInt(req.query.limit, 20, 1, 100);
  const offset = boundedInt(req.query.offset, 0, 0, 1000000);
  if (limit === null || offset === null) {
    return res.status(422).json({ status: 422, detail: "limit or offset out of range" });
  }
  const query = { ownerId: account._id };
  const items = await tasks
    .findAsync(query)
    .sort({ created_at: -1, _id: -1 })
    .skip(offset)
    .limit(limit);
  const total = await tasks.countAsync(query);
  res.json({ items: items.map(publicTask), total, limit, offset });
});

seed().then(() => {
  app.listen(PORT, "127.0.0.1", () => {
    console.log(`express reference on http://127.0.0.1:${PORT}`);
  });
});
