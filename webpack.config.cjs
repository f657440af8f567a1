// The tab bundle: tab/src → dist/tab, one small initial chunk plus one chunk per view
// (React.lazy) and teams-js loaded only when hosted. ts-loader transpiles; `tsc --noEmit`
// type-checks the same files. `TAB_ENTRY` swaps the entry (the bench's hello-world baseline).
// A second entry, the Outlook task pane (tab/outlook), writes outlook/taskpane.html; it is left
// out when TAB_ENTRY is set so the bench measures the baseline alone.
/* eslint-disable @typescript-eslint/no-require-imports -- webpack-cli loads this file as CommonJS, where require is the module system. */
const path = require('node:path');
const fs = require('node:fs');

/** Writes an HTML page from a template with one entry's initial chunks (no plugin dependency). */
class IndexHtmlPlugin {
  constructor(options) {
    this.template = options.template;
    this.entry = options.entry ?? 'main';
    this.filename = options.filename ?? 'index.html';
  }

  apply(compiler) {
    compiler.hooks.thisCompilation.tap('IndexHtmlPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'IndexHtmlPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE }, () => {
        const publicPath = compilation.outputOptions.publicPath === 'auto' ? '/' : compilation.outputOptions.publicPath;
        const scripts = [];
        const entry = compilation.entrypoints.get(this.entry);
        if (!entry) return;
        for (const file of entry.getFiles()) if (file.endsWith('.js')) scripts.push(`<script defer src="${publicPath}${file}"></script>`);
        const html = fs.readFileSync(this.template, 'utf8').replace('<!-- scripts -->', scripts.join('\n    '));
        compilation.emitAsset(this.filename, new compiler.webpack.sources.RawSource(html));
      });
    });
  }
}

module.exports = (_env, argv) => {
  const production = (argv && argv.mode) !== 'development';
  return {
    mode: production ? 'production' : 'development',
    entry: {
      main: path.resolve(__dirname, process.env.TAB_ENTRY || 'tab/src/main.tsx'),
      ...(process.env.TAB_ENTRY ? {} : { taskpane: path.resolve(__dirname, 'tab/outlook/main.tsx') }),
    },
    output: {
      path: path.resolve(__dirname, process.env.TAB_OUTPUT || 'dist/tab'),
      filename: production ? 'assets/[name].[contenthash:10].js' : 'assets/[name].js',
      chunkFilename: production ? 'assets/[name].[contenthash:10].js' : 'assets/[name].js',
      publicPath: '/',
      clean: true,
    },
    devtool: production ? false : 'eval-cheap-module-source-map',
    resolve: {
      extensions: ['.tsx', '.ts', '.js', '.mjs'],
      // Sources import './x.js' (NodeNext style); the files are .ts/.tsx.
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'ts-loader',
            options: {
              transpileOnly: true,
              configFile: path.resolve(__dirname, 'tsconfig.json'),
              compilerOptions: { noEmit: false, module: 'esnext', moduleResolution: 'bundler', target: 'es2020', sourceMap: !production },
            },
          },
        },
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
      ],
    },
    optimization: {
      splitChunks: { chunks: 'async' },
    },
    performance: { hints: false },
    plugins: [
      new IndexHtmlPlugin({ template: path.resolve(__dirname, 'tab/index.html') }),
      ...(process.env.TAB_ENTRY ? [] : [new IndexHtmlPlugin({ template: path.resolve(__dirname, 'tab/outlook/taskpane.html'), entry: 'taskpane', filename: 'outlook/taskpane.html' })]),
    ],
  };
};
