/**
 * Where the KRX data portal lives and what a browser sends it. Paths are relative to
 * `KRX_BASE_URL`, so the source simulator can stand in for the real site.
 */
export const KRX_PATHS = {
  /** Login step 1: hands out the JSESSIONID cookie. */
  loginPage: '/contents/MDC/COMS/client/MDCCOMS001.cmd',
  /** Login step 2: the login form the browser loads. */
  loginForm: '/contents/MDC/COMS/client/view/login.jsp?site=mdc',
  /** Login step 3: member id and password, JSON answer with `_error_code`. */
  login: '/contents/MDC/COMS/client/MDCCOMS001D1.cmd',
  /** Every statistics screen: form `bld=<screen>` plus the screen's fields. */
  data: '/comm/bldAttendant/getJsonData.cmd',
  /** The page data requests must claim to come from (Referer checked since 2024). */
  outerLoader: '/contents/MDC/MDI/outerLoader/index.cmd',
} as const

