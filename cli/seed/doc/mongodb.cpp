// The `mongodb` seed kind, through `mongosh` in the service's container (argv, no shell): one
// fixed script, given the declaration as JSON, initiates the replica set when needed, creates
// missing collections and indexes, and prints one result line that becomes the reports. A server
// that has no replica-set commands (FerretDB answers CommandNotFound) gets its collections and
// indexes all the same; the replica set is reported as drift with what that server cannot do.
#include <fmt/format.h>

#include "seed/data_support.hpp"
#include "seed/kind.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

// `decl` is defined before this runs: {mode: "seed"|"drop", replica_set, host, force, databases}.
constexpr const char* kScript = R"JS(
const out = [];
const add = (resource, outcome, detail) => out.push({resource, outcome, detail: detail || ""});
const why = (e) => (e && e.codeName ? e.codeName + ": " : "") + String(e && e.message ? e.message : e);
if (decl.mode === "seed" && decl.replica_set) {
  const res = "replica set " + decl.replica_set;
  let st = null, initiated = false;
  try { st = rs.status(); } catch (e) {
    if (e.code === 59 || e.codeName === "CommandNotFound") {
      // A server without replica sets at all (FerretDB): seed the rest, and say what is missing.
      let name = "";
      try { name = db.hello().setName || ""; } catch (e2) {}
      add(res, "drift", "the server implements no replica-set commands (" + why(e) + ")" +
          (name ? "; it reports set " + name + " in hello" : "") +
          ": change streams, transactions and rs.initiate are unavailable");
    } else if (e.codeName === "NotYetInitialized" || /no replset config/i.test(String(e.message))) {
      try { rs.initiate({_id: decl.replica_set, members: [{_id: 0, host: decl.host}]}); initiated = true; add(res, "created", "initiated"); }
      catch (e2) { add(res, "failed", why(e2)); }
    } else { add(res, "failed", why(e)); }
  }
  if (st) {
    if (st.set === decl.replica_set) add(res, "unchanged");
    else add(res, "drift", "the running set is " + st.set + "; a replica set cannot be renamed");
  }
  if (initiated) {
    for (let i = 0; i < 300; i++) {
      try { if (db.hello().isWritablePrimary) break; } catch (e) {}
      sleep(100);
    }
  }
}
for (const d of decl.databases) {
  const sdb = db.getSiblingDB(d.name);
  if (decl.mode === "drop") {
    try { sdb.dropDatabase(); add("database " + d.name, "removed", "dropped to seed again"); }
    catch (e) { add("database " + d.name, "failed", why(e)); }
    continue;
  }
  let names;
  try { names = sdb.getCollectionNames(); } catch (e) { add("database " + d.name, "failed", why(e)); continue; }
  for (const c of d.collections) {
    const res = "collection " + d.name + "." + c.name;
    if (names.includes(c.name)) add(res, "unchanged");
    else {
      try { sdb.createCollection(c.name); add(res, "created"); }
      catch (e) { add(res, "failed", why(e)); continue; }
    }
    const coll = sdb.getCollection(c.name);
    let have = [];
    try { have = coll.getIndexes(); } catch (e) { add(res, "failed", why(e)); continue; }
    for (const ix of c.indexes) {
      const name = ix.name || Object.entries(ix.keys).map(([k, v]) => k + "_" + v).join("_");
      const r = "index " + d.name + "." + c.name + "." + name;
      const cur = have.find((h) => h.name === name);
      const same = cur && JSON.stringify(cur.key) === JSON.stringify(ix.keys) && !!cur.unique === !!ix.unique;
      if (same && !decl.force) { add(r, "unchanged"); continue; }
      if (cur && !same && !decl.force) {
        add(r, "drift", "is " + JSON.stringify(cur.key) + (cur.unique ? " unique" : "") + "; --force recreates it");
        continue;
      }
      try {
        if (cur) coll.dropIndex(name);
        coll.createIndex(ix.keys, {name: name, unique: !!ix.unique});
        add(r, cur ? "updated" : "created", cur ? "recreated (--force)" : "");
      } catch (e) { add(r, "failed", why(e)); }
    }
  }
}
print("DEVENV-RESULT " + JSON.stringify(out));
)JS";

constexpr std::string_view kMarker = "DEVENV-RESULT ";

Outcome outcome_from(const std::string& name) {
    for (Outcome o : {Outcome::created, Outcome::updated, Outcome::unchanged, Outcome::drift, Outcome::removed})
        if (outcome_name(o) == name) return o;
    return Outcome::failed;
}

void run_script(const SeedJob& job, SeedSink& sink, const std::string& mode) {
    const Value& spec = job.decl->spec;
    nlohmann::ordered_json decl;  // ordered: a compound index's key order matters
    decl["mode"] = mode;
    decl["replica_set"] = spec.has("replica_set") ? spec.find("replica_set")->text() : "";
    decl["host"] = job.target.service->name + ":27017";
    decl["force"] = job.force;
    decl["databases"] = nlohmann::ordered_json::array();
    if (const Value* dbs = spec.find("databases"))
        for (const auto& d : dbs->items()) {
            nlohmann::ordered_json jd = {{"name", d.find("name")->text()}, {"collections", nlohmann::ordered_json::array()}};
            if (const Value* colls = d.find("collections"))
                for (const auto& c : colls->items()) {
                    nlohmann::ordered_json jc = {{"name", c.find("name")->text()}, {"indexes", nlohmann::ordered_json::array()}};
                    if (const Value* ixs = c.find("indexes"))
                        for (const auto& ix : ixs->items()) jc["indexes"].push_back(ix.to_ordered_json());
                    jd["collections"].push_back(jc);
                }
            decl["databases"].push_back(jd);
        }
    if (!job.target.exec) return report(sink, job, "mongosh", Outcome::failed, "the service has no running container");
    std::string script = "const decl = " + decl.dump() + ";\n" + kScript;
    ExecResult r = job.target.exec({"mongosh", "--quiet", "--norc", "--eval", script});
    auto at = r.out.rfind(kMarker);
    if (at == std::string::npos) {
        std::string why = last_lines(r.err.empty() ? r.out : r.err, 3);
        return report(sink, job, "mongosh", Outcome::failed,
                      fmt::format("exited with code {}{}", r.exit_code, why.empty() ? "" : ": " + why));
    }
    auto line = r.out.substr(at + kMarker.size());
    line = line.substr(0, line.find('\n'));
    auto results = nlohmann::json::parse(line, nullptr, false);
    if (!results.is_array())
        return report(sink, job, "mongosh", Outcome::failed, "unreadable result line: " + line.substr(0, 200));
    for (const auto& e : results)
        report(sink, job, e.value("resource", std::string("?")), outcome_from(e.value("outcome", std::string())),
               e.value("detail", std::string()));
}

void seed_mongodb(const SeedJob& job, SeedSink& sink) { run_script(job, sink, "seed"); }

void unseed_mongodb(const SeedJob& job, SeedSink& sink) { run_script(job, sink, "drop"); }

SchemaPtr mongodb_schema() {
    using namespace schema;
    auto index = object({opt("name", string()), req("keys", map(integer())), opt("unique", boolean())});
    auto coll = named_list({opt("indexes", list(index))});
    return object({opt("replica_set", string()), opt("databases", named_list({opt("collections", coll)}))});
}

}  // namespace

extern const SeedKind mongodb_kind;
const SeedKind mongodb_kind{
    .name = "mongodb",
    .family = "doc",
    .summary = "databases, collections and indexes (and the replica set), through mongosh",
    .schema = mongodb_schema,
    .seed = seed_mongodb,
    .reset_template = "mongodb",
    .unseed = unseed_mongodb,
};

}  // namespace devenv
