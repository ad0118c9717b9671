/**
 * The read side of an Autotask connection: companies, services, contracts (with the tenant's
 * contract picklists), contract services and the units window in force. Batch reads fan out into
 * ≤ 500-value chunks; every page is parsed, and the first failure wins.
 */
import {
  err,
  ok,
  type PsaCompany,
  type PsaContract,
  type PsaContractService,
  type PsaResult,
  type PsaService,
  type PsaUnitsWindow,
} from '../../psa/psa-provider.port.js';
import { apiVersionPath, type AutotaskClient } from './autotask.client.js';
import { buildQuery, chunk, f, type Filter } from './autotask.query.js';
import {
  includeFields,
  parseCompany,
  parseContract,
  parseContractService,
  parseContractServiceUnit,
  parseCurrency,
  parseFieldPicklist,
  parseService,
} from './autotask.schemas.js';
import {
  addDays,
  calendarDate,
  documentedContractPicklists,
  invalid,
  isCalendarDate,
  isInstant,
  mapAll,
  resolveContractPicklists,
  selectWindowsInForce,
  toWireIds,
  type ContractPicklists,
} from './autotask.translate.js';

export class AutotaskReads {
  readonly #client: AutotaskClient;
  #contractPicklists: Promise<ContractPicklists> | null = null;

  constructor(client: AutotaskClient) {
    this.#client = client;
  }

  /**
   * The currency is a label, not a precondition: an API user whose security level hides
   * Currencies, or a tenant without an internal one, still connects (amounts are then shown
   * without a code). Other failures are real and fail the verification like any read.
   */
  async readInternalCurrency(): Promise<PsaResult<string | null>> {
    const rows = await this.#collect(
      'Currencies',
      [f.eq('isInternalCurrency', true)],
      includeFields.Currencies,
      parseCurrency,
    );
    if (!rows.ok) return rows.error.code === 'permission_denied' ? ok(null) : rows;
    return ok(rows.value[0]?.name ?? null);
  }

  async *listCompanies(
    options: { modifiedSince?: string } = {},
  ): AsyncIterable<PsaResult<readonly PsaCompany[]>> {
    if (!isInstant(options.modifiedSince)) {
      yield err(invalid('modifiedSince must be an ISO-8601 instant.', options.modifiedSince));
      return;
    }
    const filter =
      options.modifiedSince === undefined
        ? f.exist('id')
        : f.gt('lastTrackedModifiedDateTime', options.modifiedSince);
    for await (const page of this.#client.query(
      'Companies',
      buildQuery({ filters: [filter], includeFields: includeFields.Companies }),
    )) {
      if (!page.ok) {
        yield page;
        return;
      }
      const companies = mapAll(page.value, parseCompany, 'Companies');
      if (!companies.ok) {
        yield companies;
        return;
      }
      yield ok(
        companies.value.map((c) => ({
          id: String(c.id),
          name: c.companyName,
          isActive: c.isActive,
          modifiedAt: c.lastTrackedModifiedDateTime,
        })),
      );
    }
  }

  async listServices(options: { modifiedSince?: string } = {}): Promise<PsaResult<readonly PsaService[]>> {
    if (!isInstant(options.modifiedSince)) {
      return err(invalid('modifiedSince must be an ISO-8601 instant.', options.modifiedSince));
    }
    const filter =
      options.modifiedSince === undefined ? f.exist('id') : f.gt('lastModifiedDate', options.modifiedSince);
    const rows = await this.#collect('Services', [filter], includeFields.Services, parseService);
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((s) => ({
        id: String(s.id),
        name: s.name,
        description: s.description,
        isActive: s.isActive,
        unitPrice: s.unitPrice,
        modifiedAt: s.lastModifiedDate,
      })),
    );
  }

  async readContracts(companyIds: readonly string[]): Promise<PsaResult<readonly PsaContract[]>> {
    if (companyIds.length === 0) return ok([]);
    const wire = toWireIds(companyIds);
    if (!wire.ok) return wire;
    const [rows, picklists] = await Promise.all([
      this.#inChunks(companyIds, (ids) =>
        this.#collect('Contracts', [f.in('companyID', ids)], includeFields.Contracts, parseContract),
      ),
      this.#readContractPicklists(),
    ]);
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((c) => ({
        id: String(c.id),
        companyId: String(c.companyID),
        name: c.contractName,
        isRecurringService: picklists.recurringServiceTypes.has(c.contractType),
        isActive: picklists.activeStatuses.has(c.status),
        startDate: calendarDate(c.startDate),
        endDate: calendarDate(c.endDate),
      })),
    );
  }

  /** Once per connection; on any failure the documented values apply (the read itself must not fail for it). */
  #readContractPicklists(): Promise<ContractPicklists> {
    this.#contractPicklists ??= this.#client
      .call({
        entity: 'Contracts',
        endpoint: 'Contracts/entityInformation/fields',
        method: 'GET',
        path: `${apiVersionPath}Contracts/entityInformation/fields`,
        isIdempotent: true,
        isPaced: true,
      })
      .then((response) =>
        response.ok
          ? resolveContractPicklists(
              parseFieldPicklist(response.value, 'contractType'),
              parseFieldPicklist(response.value, 'status'),
            )
          : documentedContractPicklists,
      );
    return this.#contractPicklists;
  }

  async readContractServices(
    contractIds: readonly string[],
  ): Promise<PsaResult<readonly PsaContractService[]>> {
    const rows = await this.#inChunks(contractIds, (ids) =>
      this.#collect(
        'ContractServices',
        [f.in('contractID', ids)],
        includeFields.ContractServices,
        parseContractService,
      ),
    );
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((s) => ({
        id: String(s.id),
        contractId: String(s.contractID),
        serviceId: String(s.serviceID),
      })),
    );
  }

  /**
   * Date-only values are stored as tenant-local midnight, and Autotask may convert a filter's
   * datetime from UTC to the tenant zone before comparing. Rather than bet on one reading, the
   * server filter is widened by a day on each side (a superset under any zone offset up to ±24 h)
   * and the exact `startDate ≤ onDate ≤ endDate` test runs here on calendar dates. When an
   * adjustment splits a period, the old window ends ON the effective date and the new one starts
   * on it; the later-starting window is the one in force.
   */
  async readUnits(
    contractIds: readonly string[],
    onDate: string,
  ): Promise<PsaResult<readonly PsaUnitsWindow[]>> {
    if (!isCalendarDate(onDate)) return err(invalid('onDate must be a calendar date YYYY-MM-DD.', onDate));
    const dayAfter = `${addDays(onDate, 1)}T00:00:00`;
    const dayBefore = `${addDays(onDate, -1)}T00:00:00`;
    const rows = await this.#inChunks(contractIds, (ids) =>
      this.#collect(
        'ContractServiceUnits',
        // Date bounds first: they discard most of the ~12 periods per year before the `in` test.
        [f.lte('startDate', dayAfter), f.gte('endDate', dayBefore), f.in('contractID', ids)],
        includeFields.ContractServiceUnits,
        parseContractServiceUnit,
      ),
    );
    if (!rows.ok) return rows;
    return ok(
      selectWindowsInForce(rows.value, onDate).map((u) => ({
        id: String(u.id),
        contractServiceId: String(u.contractServiceID),
        contractId: String(u.contractID),
        serviceId: String(u.serviceID),
        startDate: calendarDate(u.startDate),
        endDate: calendarDate(u.endDate),
        units: u.units,
        unitPrice: u.price ?? null,
      })),
    );
  }

  /** Every page of one query, parsed; the first failure wins. */
  async #collect<T>(
    entity: keyof typeof includeFields,
    filters: readonly Filter[],
    fields: readonly string[],
    parse: (row: Record<string, unknown>) => T | null,
  ): Promise<PsaResult<T[]>> {
    const out: T[] = [];
    for await (const page of this.#client.query(entity, buildQuery({ filters, includeFields: fields }))) {
      if (!page.ok) return page;
      const parsed = mapAll(page.value, parse, entity);
      if (!parsed.ok) return parsed;
      out.push(...parsed.value);
    }
    return ok(out);
  }

  /**
   * Chunks ids to Autotask's 500-value `in` limit and runs the chunks concurrently: the entity
   * queue keeps them at 3 in flight, and a chunk's pages stay sequential (cursor paging).
   */
  async #inChunks<T>(
    ids: readonly string[],
    run: (chunkIds: number[]) => Promise<PsaResult<T[]>>,
  ): Promise<PsaResult<T[]>> {
    const wire = toWireIds(ids);
    if (!wire.ok) return wire;
    const results = await Promise.all(chunk(wire.value).map(run));
    const out: T[] = [];
    for (const result of results) {
      if (!result.ok) return result;
      out.push(...result.value);
    }
    return ok(out);
  }
}
