// upload.getFile with Telegram's offset/limit rules and file_reference checks, so a downloader that
// pages wrongly or keeps a stale reference fails here as it would against Telegram.
import { Api } from 'telegram';
import { type FakeTelegramServer, rpcFail } from '../server.ts';
import { toBigint } from '../tl.ts';
import type { World } from '../world.ts';

const MB = 1024 * 1024;

export function checkRange(offset: number, limit: number, precise: boolean): void {
  if (limit <= 0 || limit > MB) rpcFail(400, 'LIMIT_INVALID');
  if (precise) {
    if (offset % 1024 !== 0) rpcFail(400, 'OFFSET_INVALID');
    if (limit % 1024 !== 0) rpcFail(400, 'LIMIT_INVALID');
    return;
  }
  if (offset % 4096 !== 0) rpcFail(400, 'OFFSET_INVALID');
  if (limit % 4096 !== 0 || MB % limit !== 0) rpcFail(400, 'LIMIT_INVALID');
  if (Math.floor(offset / MB) !== Math.floor((offset + limit - 1) / MB)) rpcFail(400, 'LIMIT_INVALID');
}

export function installFiles(server: FakeTelegramServer, world: World): void {
  server.on('upload.GetFile', (request: Api.upload.GetFile) => {
    const location: any = request.location;
    const isPhoto = location instanceof Api.InputPhotoFileLocation;
    if (!isPhoto && !(location instanceof Api.InputDocumentFileLocation)) rpcFail(400, 'LOCATION_INVALID');
    const file = world.files.get(toBigint(location.id));
    if (
      !file ||
      file.location !== (isPhoto ? 'photo' : 'document') ||
      file.accessHash !== toBigint(location.accessHash)
    )
      return rpcFail(400, 'FILE_ID_INVALID');
    if (!Buffer.from(location.fileReference).equals(file.fileReference))
      rpcFail(400, 'FILE_REFERENCE_EXPIRED');
    const offset = Number(request.offset.toString());
    checkRange(offset, request.limit, Boolean(request.precise));
    return new Api.upload.File({
      type: isPhoto ? new Api.storage.FileJpeg() : new Api.storage.FilePartial(),
      mtime: file.date,
      bytes: file.bytes.subarray(offset, offset + request.limit),
    });
  });
}
