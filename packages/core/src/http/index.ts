export { createHttpClient, HTTP_RETRY_MESSAGE } from './client.ts'
export { parseRetryAfter } from './failures.ts'
export { charsetFor, charsetOf, decodeBody, DEFAULT_CHARSET, metaCharsetOf } from './charset.ts'
export { firstDuplicateKey, malformedAnswerError, parseJsonAnswer, type JsonAnswer } from './json-answer.ts'
export { describeElement, isStandInRow, standInProblem, standInRowFor } from './stand-in-rows.ts'
export { describeTextProblem, TEXT_PROBLEMS, textProblemOf, textProblemsOf, type TextProblem } from './text-hygiene.ts'
export type { GetOptions, HttpClient, HttpClientOptions, HttpResponse, RequestOptions, ResponseCheck } from './types.ts'
// Callers that keep a session hand the client a jar; core owns the HTTP stack, so it provides it.
export { CookieJar } from 'tough-cookie'
