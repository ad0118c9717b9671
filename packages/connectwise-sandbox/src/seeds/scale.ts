import type { SeedData } from '../store/database.js';
import type { AdditionRow, AgreementRow, CompanyRow } from '../store/rows.js';
import { dayWire } from '../util/dates.js';
import { agreementRow, firstAdditionId, firstAgreementId, firstCustomerId } from './demo.js';
import {
  audit,
  catalog,
  companyStatus,
  companyType,
  coroProducts,
  lookupTables,
  ownCompany,
} from './lookups.js';

/** Company names of `scale:N`, by index (benchmarks build matching Coro data with it). */
export function scaleCompanyName(index: number): string {
  return `Scale Customer ${String(index + 1).padStart(6, '0')}`;
}

/** N customers, each with one monthly agreement carrying the first six Coro products (S = 6). */
export function scaleSeed(count: number, nowMs: number): SeedData {
  const year = new Date(nowMs).getUTCFullYear();
  const at = `${year - 1}-03-14T15:47:59Z`;
  const window = { start: `${year}-01-01`, end: `${year + 1}-12-31` };
  const products = catalog(at);
  const companies: CompanyRow[] = [ownCompany(at)];
  const agreements: AgreementRow[] = [];
  const additions: AdditionRow[] = [];
  let additionId = firstAdditionId;
  for (let i = 0; i < count; i++) {
    const name = scaleCompanyName(i);
    const company: CompanyRow = {
      id: firstCustomerId + i,
      identifier: `SC${String(i + 1).padStart(6, '0')}`,
      name,
      statusId: companyStatus.active,
      typeIds: [companyType.client],
      city: null,
      state: null,
      phoneNumber: null,
      website: null,
      parentCompanyId: null,
      deletedFlag: false,
      ...audit(at),
    };
    companies.push(company);
    const agreement = agreementRow(
      firstAgreementId + i,
      company,
      0,
      `${name} - Coro Managed Security`,
      window,
      at,
    );
    agreements.push(agreement);
    for (const [s, product] of coroProducts.slice(0, 6).entries()) {
      additions.push({
        id: additionId++,
        agreementId: agreement.id,
        productId: products.idByName.get(product.name) ?? 0,
        quantity: 10 + ((i * 7 + s * 3) % 50),
        lessIncluded: 0,
        unitPrice: product.price,
        unitCost: product.cost,
        billCustomer: 'Billable',
        effectiveDate: dayWire(window.start),
        cancelledDate: null,
        taxableFlag: false,
        serialNumber: null,
        invoiceDescription: null,
        description: product.name,
        purchaseItemFlag: false,
        specialOrderFlag: false,
        uom: product.perUser ? 'User' : 'Device',
        sequenceNumber: s + 1,
        prorateCurrentPeriodFlag: false,
        ...audit(at),
      });
    }
  }
  return { ...lookupTables(), contacts: [], companies, catalog: products.rows, agreements, additions };
}
