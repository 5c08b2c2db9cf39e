#pragma once
// What `devenv templates` shows: the service templates a project can use, their documents, and
// the seed kinds (from the seed kinds' table).
#include <string>
#include <vector>

#include "yaml/value.hpp"

namespace devenv {

struct TemplateSummary {
    std::string name;
    std::string description;
};

struct SeedKindSummary {
    std::string name;
    std::string family;
    std::string summary;
};

struct TemplateCatalog {
    std::vector<TemplateSummary> templates;  // built-in and project templates, by name
    std::vector<SeedKindSummary> seed_kinds;  // every kind, in the table's order
};
TemplateCatalog template_catalog(const std::string& project_dir);

struct TemplateDescription {
    std::string name;
    Value doc;
    // When the template declares `seeds`: the kinds it names that the table knows, then exec.
    std::vector<SeedKindSummary> seed_kinds;
};
// Error(usage) with "did you mean" when there is no template by that name.
TemplateDescription describe_template(const std::string& project_dir, const std::string& name);

// A template's document; Error(usage) with "did you mean" when there is none by that name.
Value template_document(const std::string& project_dir, const std::string& name);
// A value as one line of text: a scalar's text, JSON for the rest, "" for null or absent.
std::string value_text(const Value* v);

}  // namespace devenv
