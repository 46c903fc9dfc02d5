// The content-addressed media archive: which files to fetch (policy), how one download resumes,
// hashes and lands in DATA_DIR/media/ab/<sha256>.<ext> (downloader), and the background worker that
// records each outcome as MediaDownloaded or MediaSkipped without holding up message capture.
export { classifyDownloadError, type DownloadSource } from './download-source.ts';
export { type DownloadResult, type DownloadTarget, downloadMedia } from './downloader.ts';
export { enqueueFile, type FileToArchive } from './enqueue.ts';
export { gatewayDownloadSource } from './gateway-source.ts';
export { extensionFor, mediaFilePath, mediaRoot } from './naming.ts';
export { decideMedia, type MediaSettings, mediaSettingsFromConfig } from './policy.ts';
export { type EnqueueResult, type MediaJob, type MediaStats, MediaWorker } from './worker.ts';
