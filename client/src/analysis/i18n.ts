/** Interface text of the analysts' pages in the questionnaire languages (en, fr, es). */
export type Language = 'en' | 'fr' | 'es';
export const LANGUAGES: { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
];

const TEXT = {
  title: { en: 'Analysis workspace', fr: "Espace d'analyse", es: 'Espacio de análisis' },
  intro: {
    en: 'Design-based estimates of the approved interviews with 95% intervals. Estimates from too few cases are withheld everywhere, downloads included.',
    fr: 'Estimations fondées sur le plan de sondage, à partir des entretiens approuvés, avec intervalles à 95 %. Les estimations reposant sur trop peu de cas sont masquées partout, téléchargements compris.',
    es: 'Estimaciones basadas en el diseño, con las entrevistas aprobadas, con intervalos del 95 %. Las estimaciones con muy pocos casos se ocultan en todas partes, también en las descargas.',
  },
  survey: { en: 'Survey', fr: 'Enquête', es: 'Encuesta' },
  language: { en: 'Language', fr: 'Langue', es: 'Idioma' },
  indicators: { en: 'Indicators', fr: 'Indicateurs', es: 'Indicadores' },
  tableBuilder: { en: 'Table builder', fr: 'Tableaux', es: 'Tabulados' },
  microdata: { en: 'Microdata and annex', fr: 'Microdonnées et annexe', es: 'Microdatos y anexo' },
  compareBy: { en: 'Compare', fr: 'Comparer', es: 'Comparar' },
  none: { en: '(none)', fr: '(aucun)', es: '(ninguno)' },
  domainOf: { en: 'Domain', fr: 'Domaine', es: 'Dominio' },
  all: { en: 'all', fr: 'tous', es: 'todos' },
  splitBy: { en: 'By', fr: 'Par', es: 'Por' },
  indicator: { en: 'Indicator', fr: 'Indicateur', es: 'Indicador' },
  group: { en: 'Group', fr: 'Groupe', es: 'Grupo' },
  estimate: { en: 'Estimate', fr: 'Estimation', es: 'Estimación' },
  ci: { en: '95% interval', fr: 'Intervalle à 95 %', es: 'Intervalo del 95 %' },
  cases: { en: 'Cases', fr: 'Cas', es: 'Casos' },
  difference: { en: 'Difference (se, p)', fr: 'Différence (e.-t., p)', es: 'Diferencia (e.e., p)' },
  flags: { en: 'Flags', fr: 'Signalements', es: 'Indicaciones' },
  withheld: { en: 'withheld', fr: 'masqué', es: 'oculto' },
  chartOf: { en: 'Chart of', fr: 'Graphique de', es: 'Gráfico de' },
  computing: { en: 'Computing the estimates…', fr: 'Calcul des estimations…', es: 'Calculando las estimaciones…' },
  downloadCsv: { en: 'Download CSV', fr: 'Télécharger CSV', es: 'Descargar CSV' },
  downloadXlsx: { en: 'Download XLSX', fr: 'Télécharger XLSX', es: 'Descargar XLSX' },
  downloadPng: { en: 'Download chart (PNG)', fr: 'Télécharger le graphique (PNG)', es: 'Descargar el gráfico (PNG)' },
  downloadSvg: { en: 'Download chart (SVG)', fr: 'Télécharger le graphique (SVG)', es: 'Descargar el gráfico (SVG)' },
  preset: { en: 'Standard table', fr: 'Tableau standard', es: 'Tabulado estándar' },
  rows: { en: 'Rows', fr: 'Lignes', es: 'Filas' },
  cols: { en: 'Columns', fr: 'Colonnes', es: 'Columnas' },
  level: { en: 'Unit', fr: 'Unité', es: 'Unidad' },
  statistic: { en: 'Statistic', fr: 'Statistique', es: 'Estadística' },
  count: { en: 'weighted count', fr: 'effectif pondéré', es: 'conteo ponderado' },
  percent: { en: 'percent of the table', fr: 'pourcentage du tableau', es: 'porcentaje del tabulado' },
  rowPercent: { en: 'row percent', fr: 'pourcentage en ligne', es: 'porcentaje por fila' },
  colPercent: { en: 'column percent', fr: 'pourcentage en colonne', es: 'porcentaje por columna' },
  makeTable: { en: 'Make the table', fr: 'Construire le tableau', es: 'Construir el tabulado' },
  total: { en: 'Total', fr: 'Total', es: 'Total' },
  test: {
    en: 'Rao-Scott test of independence',
    fr: "Test d'indépendance de Rao-Scott",
    es: 'Prueba de independencia de Rao-Scott',
  },
  analystFile: {
    en: 'Analyst file (dataset.zip: CSV per level, codebook, design, svyset/svydesign)',
    fr: 'Fichier analyste (dataset.zip : un CSV par niveau, dictionnaire, plan, svyset/svydesign)',
    es: 'Archivo de análisis (dataset.zip: un CSV por nivel, diccionario, diseño, svyset/svydesign)',
  },
  publicFile: {
    en: 'Public-use file (public.zip: anonymised CSV and .dta per level, design, codebook, svyset/svydesign, disclosure report)',
    fr: 'Fichier à usage public (public.zip : CSV et .dta anonymisés par niveau, plan, dictionnaire, svyset/svydesign, rapport de confidentialité)',
    es: 'Archivo de uso público (public.zip: CSV y .dta anonimizados por nivel, diseño, diccionario, svyset/svydesign, informe de confidencialidad)',
  },
  working: { en: 'Working…', fr: 'En cours…', es: 'Procesando…' },
  annex: { en: 'Migration Profile: statistical annex', fr: 'Profil migratoire : annexe statistique', es: 'Perfil migratorio: anexo estadístico' },
  annexPdf: { en: 'Annex (PDF)', fr: 'Annexe (PDF)', es: 'Anexo (PDF)' },
  annexHtml: { en: 'Annex (HTML)', fr: 'Annexe (HTML)', es: 'Anexo (HTML)' },
  annexXlsx: { en: 'Annex (XLSX)', fr: 'Annexe (XLSX)', es: 'Anexo (XLSX)' },
  annexNote: {
    en: 'Tables of households, emigrants, return migrants, immigrants and remittances, the indicators by migratory status and a technical annex; in the language chosen above. Building it takes a few seconds.',
    fr: 'Tableaux des ménages, émigrés, migrants de retour, immigrés et transferts, indicateurs selon le statut migratoire et annexe technique, dans la langue choisie ci-dessus. La production prend quelques secondes.',
    es: 'Tabulados de hogares, emigrantes, retornados, inmigrantes y remesas, indicadores según la condición migratoria y anexo técnico, en el idioma elegido arriba. La producción tarda unos segundos.',
  },
} as const;

export type TextKey = keyof typeof TEXT;

/** The interface text in a language (English when a text lacks it). */
export function t(key: TextKey, language: Language): string {
  return TEXT[key][language] ?? TEXT[key].en;
}
