#pragma once
// What `devenv templates` shows: the service templates a project can use and their documents.
#include <string>
#include <vector>

#include "yaml/value.hpp"

namespace devenv {

struct TemplateSummary {
    std::string name;
    std::string description;
};

// Built-in and project templates, by name.
std::vector<TemplateSummary> template_summaries(const std::string& project_dir);
// A template's document; Error(usage) with "did you mean" when there is none by that name.
Value template_document(const std::string& project_dir, const std::string& name);
// A value as one line of text: a scalar's text, JSON for the rest, "" for null or absent.
std::string value_text(const Value* v);

}  // namespace devenv
