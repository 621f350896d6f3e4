import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const EFFECT =
  'src/pure/ holds pure functions: values in, values out. Do this in src/effects/ and pass the result in.'

/** What keeps src/pure/ free of effects: files, programs, the network, the toolkit, the environment, the clock. */
export const pureRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        'fs',
        'fs/promises',
        'child_process',
        'os',
        'net',
        'http',
        'https',
        'worker_threads',
        'readline'
      ].flatMap(name => [name, `node:${name}`].map(id => ({ name: id, message: EFFECT }))),
      patterns: [
        { group: ['@actions/*'], message: EFFECT },
        { group: ['../effects/*', '**/effects/*'], message: EFFECT }
      ]
    }
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: EFFECT },
    { name: 'fetch', message: EFFECT },
    { name: 'performance', message: EFFECT },
    { name: 'setTimeout', message: EFFECT },
    { name: 'setInterval', message: EFFECT }
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "MemberExpression[object.name='Date'][property.name='now']", message: EFFECT },
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: EFFECT },
    { selector: "CallExpression[callee.name='Date']", message: EFFECT },
    { selector: "MemberExpression[object.name='Math'][property.name='random']", message: EFFECT }
  ]
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  { files: ['src/pure/**/*.ts'], rules: pureRules }
)
