// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the owner of this area
export interface SyncTables {}
