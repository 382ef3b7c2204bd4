# Reference values for the indicator catalogue, computed with R `survey` from the exported microdata.
#
#   Rscript tests/reference/dotm-indicators.R EXPORT_DIR OUT.csv
#
# EXPORT_DIR is `mdsurvey export DATASET --format dta` output: one .dta per level, each carrying the
# design columns (weight, region, ea). The derived variables and every indicator are written here from
# DOMAIN.md and analysis/indicators/catalogue.json independently of mdsurvey's code, in plain R: the
# point is that a researcher with the .dta files and R gets the same estimates and standard errors.
# Universes are subsets of the full design (R's domain estimation); differences to H0 come from svyby
# with covmat = TRUE and svycontrast; their p values use the t distribution with degf(subset) - 1 df,
# as svyttest does.
suppressPackageStartupMessages({
  library(haven)
  library(survey)
})
options(survey.lonely.psu = "fail")
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- args[2]

read_level <- function(name) {
  d <- as.data.frame(zap_labels(read_dta(file.path(dir, paste0(name, ".dta")))))
  # Stata has no missing string: an empty string is a missing answer.
  for (v in names(d)) if (is.character(d[[v]])) d[[v]][d[[v]] == ""] <- NA
  d
}
hh <- read_level("household")
mem <- read_level("members")
em <- read_level("emigrants")
os <- read_level("other_senders")
sch <- read_level("schooling")
is1 <- function(x, v) !is.na(x) & x == v

# Money (DOMAIN.md, Money): every amount converted to the local currency (and USD) with the rate of its
# currency whose period holds the interview date, the shortest such period first; then summed.
rates <- read.csv(file.path(dir, "exchange-rates.csv"), colClasses = "character")
bounds <- function(p) {
  if (grepl("/", p)) return(strsplit(p, "/")[[1]])
  if (nchar(p) == 4) return(c(paste0(p, "-01-01"), paste0(p, "-12-31")))
  if (nchar(p) == 7) {
    first <- as.Date(paste0(p, "-01"))
    last <- seq(first, by = "month", length.out = 2)[2] - 1
    return(c(format(first), format(last)))
  }
  c(p, p)
}
b <- t(vapply(rates$period, bounds, character(2)))
rates$from <- b[, 1]
rates$to <- b[, 2]
rates$days <- as.numeric(as.Date(rates$to) - as.Date(rates$from))
local_currency <- "GHS"
rate_of <- function(cur, date, target) {
  vapply(seq_along(cur), function(i) {
    if (is.na(cur[i]) || cur[i] == "") return(NA_real_)
    if (target == "to_local" && cur[i] == local_currency) return(1)
    if (target == "to_usd" && cur[i] == "USD") return(1)
    r <- rates[rates$currency == cur[i] & rates$from <= date[i] & date[i] <= rates$to, ]
    if (nrow(r) == 0) stop(paste("no rate for", cur[i], date[i]))
    as.numeric(r[order(r$days), target][1])
  }, numeric(1))
}
date_of <- function(d) substr(hh$start[match(d$interview_id, hh$interview_id)], 1, 10)
convert <- function(d, v, target) d[[v]] * rate_of(d[[paste0(v, "_currency")]], date_of(d), target)
for (v in c("rr_amount", "rr_fee", "rr_last_amount")) {
  em[[paste0(v, "_local")]] <- convert(em, v, "to_local")
  em[[paste0(v, "_usd")]] <- convert(em, v, "to_usd")
}
os$os_amount_local <- convert(os, "os_amount", "to_local")
os$os_amount_usd <- convert(os, "os_amount", "to_usd")
for (v in c("lm_cost", "lm_first_month")) mem[[paste0(v, "_local")]] <- convert(mem, v, "to_local")
by_hh <- function(x, ids) {
  s <- tapply(ifelse(is.na(x), 0, x), ids, sum)
  out <- s[hh$interview_id]
  ifelse(is.na(out), 0, out)
}
hh$remit_total <- as.numeric(by_hh(ifelse(is1(em$rr_cash, 1), em$rr_amount_local, 0), em$interview_id) + by_hh(os$os_amount_local, os$interview_id))
hh$remit_total_usd <- as.numeric(by_hh(ifelse(is1(em$rr_cash, 1), em$rr_amount_usd, 0), em$interview_id) + by_hh(os$os_amount_usd, os$interview_id))

# Derived variables (catalogue "derived").
mem$members_line <- ave(seq_len(nrow(mem)), mem$interview_id, FUN = seq_along)
spouse <- tapply(is1(em$em_relation, 2) & is1(em$is_emigrant, 1), em$interview_id, any)
hh$hh_spouse_abroad <- as.numeric(!is.na(spouse[hh$interview_id]) & spouse[hh$interview_id])
spend <- tapply(ifelse(is.na(sch$ed_spending), 0, sch$ed_spending), sch$interview_id, sum)
hh$hh_edu_spending <- ifelse(is.na(spend[hh$interview_id]), 0, spend[hh$interview_id])
resp <- merge(mem[, c("interview_id", "members_line", "marital", "age")], hh[, c("interview_id", "g_respondent")], by = "interview_id")
resp <- resp[!is.na(resp$g_respondent) & resp$members_line == resp$g_respondent & is1(resp$marital, 2) & !is.na(resp$age) & resp$age >= 15 & resp$age <= 49, ]
hh$g_respondent_married <- as.numeric(hh$interview_id %in% resp$interview_id)
hh$health_oop_year <- hh$health_oop_annual
hh$health_oop_share <- ifelse(!is.na(hh$consumption_annual) & hh$consumption_annual > 0, hh$health_oop_year / hh$consumption_annual, NA)
# OECD-modified scale: 1 for the head (line 1), 0.5 for every other member 14+, 0.3 for a child.
ae <- tapply(ifelse(mem$members_line == 1, 1, ifelse(mem$age >= 14, 0.5, 0.3)), mem$interview_id, sum)
hh$hh_adult_equivalents <- as.numeric(ae[hh$interview_id])
hh$consumption_pae <- ifelse(hh$hh_adult_equivalents > 0, hh$consumption_annual / hh$hh_adult_equivalents, NA)
# 19th ICLS: employed (worked for pay or profit, or temporarily absent), unemployed (not employed, looked, available).
mem$l_employed <- ifelse(!is.na(mem$age) & mem$age >= 15, as.numeric(is1(mem$l_worked, 1) | is1(mem$l_absent, 1)), NA)
mem$l_unemployed <- ifelse(!is.na(mem$age) & mem$age >= 15, as.numeric(mem$l_employed == 0 & is1(mem$l_looked, 1) & is1(mem$l_available, 1)), NA)
hh$interview_year <- as.numeric(substr(hh$start, 1, 4))
recent_migration_years <- 3
mem$lm_cost_ratio <- ifelse(!is.na(mem$lm_cost_local) & !is.na(mem$lm_first_month_local) & mem$lm_first_month_local > 0, mem$lm_cost_local / mem$lm_first_month_local, NA)
# UIS years of schooling: official durations of the ISCED-A levels completed (Ghana-like defaults 6+3+3, then
# 1 post-secondary, 2 short-cycle, 4 bachelor, 2 master, 3 doctoral) plus the years done in the next level.
completed <- c("0" = 0, "1" = 6, "2" = 9, "3" = 12, "4" = 13, "5" = 14, "6" = 16, "7" = 18, "8" = 21)
mem$years_schooling <- unname(completed[as.character(mem$education)]) + mem$education_grade

# Analysis tables: each level with the household's variables (and, for schooling, the member's).
hvars <- setdiff(names(hh), c("weight", "region", "ea"))
mem_a <- merge(mem, hh[, hvars], by = "interview_id", sort = FALSE)
em_a <- merge(em, hh[, hvars], by = "interview_id", sort = FALSE)
sch_a <- merge(sch, mem[, c("interview_id", "members_key", "age", "sex", "parent_abroad")], by.x = c("interview_id", "schooling_key"), by.y = c("interview_id", "members_key"), sort = FALSE)
sch_a <- merge(sch_a, hh[, hvars], by = "interview_id", sort = FALSE)
design_of <- function(d) svydesign(ids = ~ea, strata = ~region, weights = ~weight, data = d)
# M13: one woman drawn among the g_eligible_count eligible women answers: weight = household weight x g_eligible_count.
hh_w <- hh
hh_w$weight <- hh$weight * ifelse(is.na(hh$g_eligible_count), 1, hh$g_eligible_count)
designs <- list(household = design_of(hh), members = design_of(mem_a), emigrants = design_of(em_a), schooling = design_of(sch_a), household_m13 = design_of(hh_w))

# Indicators: level, universe (logical), statistic and the analysis variable(s), as in the catalogue.
ind <- list()
add <- function(id, level, universe, y = NULL, num = NULL, den = NULL, category = NA, median = FALSE) {
  ind[[length(ind) + 1]] <<- list(id = id, level = level, universe = universe, y = y, num = num, den = den, category = category, median = median)
}
H <- hh; M <- mem_a; E <- em_a; S <- sch_a
add("mig_emigrant_hh", "household", rep(TRUE, nrow(H)), y = H$hh_has_emigrant)
add("mig_return_hh", "household", rep(TRUE, nrow(H)), y = H$hh_has_return)
add("mig_emigrant_hh_12m", "household", rep(TRUE, nrow(H)), y = as.numeric(H$n_emigrants_12m > 0))
add("mig_return_hh_12m", "household", rep(TRUE, nrow(H)), y = as.numeric(H$n_return_migrants_12m > 0))
add("mig_immigrant_hh", "household", rep(TRUE, nrow(H)), y = H$hh_immigrant_household)
add("mig_foreign_born", "members", rep(TRUE, nrow(M)), y = M$is_immigrant)
add("mig_female_emigrants", "emigrants", is1(E$is_emigrant, 1), y = as.numeric(is1(E$em_sex, 2)))
add("rem_receiving_hh", "household", rep(TRUE, nrow(H)), y = H$hh_remit_receiving)
add("rem_mean_amount", "household", is1(H$hh_remit_receiving, 1), y = H$remit_total)
add("rem_mean_amount_usd", "household", is1(H$hh_remit_receiving, 1), y = H$remit_total_usd)
add("rem_share_consumption", "household", is1(H$hh_remit_receiving, 1), num = H$remit_total, den = H$consumption_annual)
add("rem_formal_transfers", "emigrants", is1(E$rr_cash, 1) & !is.na(E$rr_transfers) & E$rr_transfers > 0, num = E$rr_transfers * E$rr_formal, den = E$rr_transfers)
fee_ok <- is1(E$rr_cash, 1) & !is.na(E$rr_last_amount_local) & E$rr_last_amount_local > 0 & !is.na(E$rr_fee_local)
add("rem_fee_share", "emigrants", fee_ok, num = E$rr_fee_local, den = E$rr_last_amount_local)
# SDG 10.c.1 proxy: last transfers of half to twice the reference amount (USD 200).
near_200 <- fee_ok & !is.na(E$rr_last_received) & !is.na(E$rr_last_amount_usd) & E$rr_last_amount_usd >= 100 & E$rr_last_amount_usd <= 400
add("rem_total_cost_share", "emigrants", near_200, num = E$rr_fee_local + E$rr_last_amount_local - E$rr_last_received, den = E$rr_last_amount_local)
add("rem_cost_above_5pct", "emigrants", near_200, y = as.numeric((E$rr_fee_local + E$rr_last_amount_local - E$rr_last_received) / E$rr_last_amount_local > 0.05))
for (use in c("consumption", "education", "health", "housing", "business", "savings", "debt")) {
  add("rem_main_use", "household", is1(H$hh_remit_receiving, 1), y = ifelse(is.na(H$rr_main_use), NA, as.numeric(H$rr_main_use == use)), category = use)
}
add("rem_sending_hh", "household", rep(TRUE, nrow(H)), y = as.numeric(is1(H$rs_sent, 1)))
child <- !is.na(S$age) & S$age >= 6 & S$age <= 17
add("edu_attending_6_17", "schooling", child, y = as.numeric(is1(S$ed_attending, 1)))
add("edu_out_of_school_6_17", "schooling", child, y = as.numeric(is1(S$ed_attending, 0)))
for (pa in c(1, 0)) {
  add(if (pa == 1) "edu_attending_6_17_parent_abroad" else "edu_attending_6_17_no_parent_abroad", "schooling", child & is1(S$parent_abroad, pa), y = as.numeric(is1(S$ed_attending, 1)))
}
add("edu_years_25", "members", !is.na(M$age) & M$age >= 25, y = M$years_schooling)
add("edu_spending_per_child", "schooling", is1(S$ed_attending, 1), y = S$ed_spending)
add("edu_share_consumption", "household", !is.na(H$consumption_annual) & H$consumption_annual > 0, num = H$hh_edu_spending, den = H$consumption_annual)
add("edu_private_share", "schooling", is1(S$ed_attending, 1), y = as.numeric(is1(S$ed_private, 1)))
yes_no <- function(x) ifelse(is1(x, 1), 1, ifelse(is1(x, 0), 0, NA))
add("hlt_insured", "members", rep(TRUE, nrow(M)), y = yes_no(M$h_insured))
add("hlt_ill_30d", "members", rep(TRUE, nrow(M)), y = yes_no(M$h_ill))
add("hlt_consulted", "members", is1(M$h_ill, 1), y = yes_no(M$h_consulted))
add("hlt_oop_share", "household", !is.na(H$consumption_annual) & H$consumption_annual > 0, num = H$health_oop_year, den = H$consumption_annual)
add("hlt_sdg_3_8_2_10", "members", !is.na(M$health_oop_share), y = as.numeric(M$health_oop_share > 0.10))
add("hlt_sdg_3_8_2_25", "members", !is.na(M$health_oop_share), y = as.numeric(M$health_oop_share > 0.25))
add("hlt_basic_vaccination", "members", !is.na(M$h_age_months) & M$h_age_months >= 12 & M$h_age_months <= 23, y = M$v_basic)
for (pa in c(1, 0)) {
  suffix <- if (pa == 1) "parent_abroad" else "no_parent_abroad"
  add(paste0("hlt_basic_vaccination_", suffix), "members", !is.na(M$h_age_months) & M$h_age_months >= 12 & M$h_age_months <= 23 & is1(M$parent_abroad, pa), y = M$v_basic)
  add(paste0("lab_child_work_15_17_", suffix), "members", !is.na(M$age) & M$age >= 15 & M$age <= 17 & is1(M$parent_abroad, pa), y = M$l_employed)
}
add("gen_female_head", "household", rep(TRUE, nrow(H)), y = as.numeric(is1(H$head_sex, 2)))
add("gen_female_head_spouse_abroad", "household", rep(TRUE, nrow(H)), y = as.numeric(is1(H$head_sex, 2) & is1(H$hh_spouse_abroad, 1)))
add("gen_decides", "household_m13", is1(H$g_respondent_married, 1), y = H$g_decides)
add("gen_flfp_15", "members", is1(M$sex, 2) & !is.na(M$age) & M$age >= 15, y = M$l_in_labour_force)
add("lab_lfpr_male_15", "members", is1(M$sex, 1) & !is.na(M$age) & M$age >= 15, y = M$l_in_labour_force)
add("lab_epr_15", "members", !is.na(M$age) & M$age >= 15, y = M$l_employed)
add("fin_account_15", "members", !is.na(M$age) & M$age >= 15 & !is.na(M$f_own_account), y = as.numeric(is1(M$f_own_account, 1)))
add("lab_unemployment_15", "members", !is.na(M$age) & M$age >= 15 & is1(M$l_in_labour_force, 1), y = M$l_unemployed)
add("gen_spouse_emigrant", "household_m13", is1(H$g_respondent_married, 1), y = as.numeric(is1(H$g_spouse_abroad, 1)))
recent <- !is.na(M$lm_cost_ratio) & !is.na(M$rm_year_left) & M$rm_year_left >= M$interview_year - recent_migration_years
add("lab_sdg_10_7_1", "members", recent, y = M$lm_cost_ratio)
add("lab_sdg_10_7_1_median", "members", recent, y = M$lm_cost_ratio, median = TRUE)
add("con_per_adult_equivalent", "household", !is.na(H$consumption_pae), y = H$consumption_pae)

groups <- list(all = c("H0", "H1", "H2", "H3"), H0 = "H0", H1 = "H1", H2 = "H2", H3 = "H3", migrant = c("H1", "H2", "H3"))
rows <- list()
for (k in ind) {
  des <- designs[[k$level]]
  status <- des$variables$hh_migration_status
  ratio <- is.null(k$y)
  des <- update(des, .y = if (ratio) k$num else k$y, .x = if (ratio) k$den else rep(1, nrow(des$variables)), .status = status)
  ok <- k$universe & !is.na(des$variables$.y) & !is.na(des$variables$.x)
  estimate_in <- function(levels) {
    rowsel <- ok & status %in% levels
    if (!any(rowsel)) return(c(NA, NA))
    d <- subset(des, rowsel)
    if (k$median) {
      # svyquantile's defaults (qrule "math", interval "mixed"): no difference test for a median.
      q <- svyquantile(~.y, d, 0.5)[[".y"]]
      return(c(q[1, "quantile"], q[1, "se"]))
    }
    r <- if (ratio) svyratio(~.y, ~.x, d) else svymean(~.y, d)
    c(coef(r)[[1]], SE(r)[[1]])
  }
  for (g in names(groups)) {
    est <- estimate_in(groups[[g]])
    diff <- c(NA, NA, NA)
    if (!k$median && !(g %in% c("all", "H0")) && any(ok & status %in% groups[[g]]) && any(ok & status == "H0")) {
      pair <- subset(update(des, .grp = ifelse(status == "H0", "a_H0", "b_group")), ok & status %in% c("H0", groups[[g]]))
      by <- if (ratio) svyby(~.y, ~.grp, pair, svyratio, denominator = ~.x, covmat = TRUE) else svyby(~.y, ~.grp, pair, svymean, covmat = TRUE)
      con <- svycontrast(by, c(-1, 1))
      t <- coef(con)[[1]] / SE(con)[[1]]
      diff <- c(coef(con)[[1]], SE(con)[[1]], 2 * pt(-abs(t), degf(pair) - 1))
    }
    rows[[length(rows) + 1]] <- data.frame(id = k$id, category = k$category, group = g, estimate = est[1], se = est[2], difference = diff[1], difference_se = diff[2], difference_p = diff[3])
  }
}
res <- do.call(rbind, rows)
write.csv(format(res, digits = 17), out, row.names = FALSE, na = "NA")
cat(sprintf("%d rows -> %s\n", nrow(res), out))
