#!/usr/bin/env node
// Regenerates src/fidelity/openapi-fields.json: the JSON property names of the ConnectWise PSA
// models the sandbox serves, read from the Go client generated from the official OpenAPI document
// (github.com/ai-connor/connectwise, `model_*.go`, generated from cw-api.json, OpenAPI 3.0.1
// v2025.8). Usage: node scripts/gen-openapi-fields.mjs <checkout of ai-connor/connectwise> [commit]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [repo, commit = 'HEAD'] = process.argv.slice(2);
if (!repo) {
  console.error('usage: gen-openapi-fields.mjs <git dir of ai-connor/connectwise> [commit]');
  process.exit(2);
}
const models = {
  Company: 'company',
  CompanyReference: 'company_reference',
  CompanyStatusReference: 'company_status_reference',
  CompanyTypeReference: 'company_type_reference',
  CatalogItem: 'catalog_item',
  IvItemReference: 'iv_item_reference',
  ProductSubCategoryReference: 'product_sub_category_reference',
  ProductTypeReference: 'product_type_reference',
  UnitOfMeasureReference: 'unit_of_measure_reference',
  Agreement: 'agreement',
  AgreementReference: 'agreement_reference',
  AgreementTypeReference: 'agreement_type_reference',
  BillingCycleReference: 'billing_cycle_reference',
  ContactReference: 'contact_reference',
  Addition: 'addition',
  ErrorResponseMessage: 'error_response_message',
  ValidationError: 'validation_error',
  Count: 'count',
  Info: 'info',
  AgreementType: 'agreement_type',
  BillingCycle: 'billing_cycle',
  CompanyStatus: 'company_status',
  CompanyType: 'company_type',
};
const git = (args) => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8' });
const resolved = git(['rev-parse', commit]).trim();
const out = {
  source: `github.com/ai-connor/connectwise@${resolved} model_*.go (generated from the official ConnectWise PSA OpenAPI 3.0.1, v2025.8)`,
  models: {},
};
for (const [model, file] of Object.entries(models)) {
  const text = git(['show', `${resolved}:model_${file}.go`]);
  const struct = new RegExp(`^type ${model} struct \\{([\\s\\S]*?)^\\}`, 'm').exec(text);
  if (!struct) throw new Error(`no struct ${model} in model_${file}.go`);
  out.models[model] = [...struct[1].matchAll(/`json:"([^",]+)/g)].map((m) => m[1]);
}
writeFileSync(
  new URL('../src/fidelity/openapi-fields.json', import.meta.url),
  `${JSON.stringify(out, null, 2)}\n`,
);
console.log(`wrote ${Object.keys(out.models).length} models from ${resolved}`);
