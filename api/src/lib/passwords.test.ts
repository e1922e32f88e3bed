import { describe, expect, test } from 'bun:test'
import { checkNewPassword } from './passwords.ts'

describe('checkNewPassword', () => {
  test('refuses a listed password however it is spaced, dotted or cased', () => {
    for (const password of [
      'passwordpassword',
      'password password',
      'password-password',
      'Password.Password!',
      'PASSWORD_PASSWORD',
      'password, password',
      'pass word pass word',
      'correct horse battery staple',
      'Correct-Horse-Battery-Staple',
      'pass word 1234567',
      'P.A.S.S.W.O.R.D.1.2.3.4',
    ]) {
      expect(checkNewPassword(password)).toBe('common')
    }
  })

  test('refuses a word repeated, with or without spaces or punctuation between', () => {
    for (const password of [
      'password password password1',
      'password password 2024',
      'dragon dragon dragonfly',
      'qwerty qwerty qwerty',
      'monkey123 monkey123',
      'abcabcabcabcabcabc',
      'a-a-a-a-a-a-a-a-a',
      '1111 2222 3333 4444',
      '!!!!!!!!!!!!!!!!',
      'passwordpassword1',
      'monkeymonkeymonkey1',
      'dragondragon12345',
      '2024 sunshinesunshine',
    ]) {
      expect(checkNewPassword(password)).toBe('repetitive')
    }
  })

  test('refuses a password that is mostly letters or digits in order', () => {
    for (const password of [
      'Password1234567890',
      'password123456789',
      'qwertyuiop123456',
      'abcdefghijklmnopqrstuvwxyz',
      'zyxwvutsrqponmlk',
      'dragon 987654321 x',
    ]) {
      expect(checkNewPassword(password)).toBe('predictable')
    }
    // A short run, or a long one beside enough else, is part of an ordinary passphrase.
    expect(checkNewPassword('the first stop is 1234 main street')).toBeNull()
    expect(checkNewPassword('seven quiet herons 123456789')).toBeNull()
  })

  test('accepts genuine passphrases, a repeated short word or shared letters included', () => {
    for (const password of [
      'a long and unusual passphrase 42',
      'seven quiet herons over the marsh',
      'tenor demo investor passphrase',
      'the cat and the hat sat on the mat',
      'I am a good person!',
      'blue sky fresh air',
      'nation station relation',
      'my password is not a secret to anyone',
      'purple elephants dance at midnight',
      'Zebra-Lantern-Orchid-Velvet',
    ]) {
      expect(checkNewPassword(password)).toBeNull()
    }
  })

  test('still counts length in code points and checks the user’s own words', () => {
    expect(checkNewPassword('short one')).toBe('too_short')
    expect(checkNewPassword('ada lovelace 1815 x', ['ada@example.com', 'Ada Lovelace'])).toBe(
      'contains_context',
    )
    const zed = ['zed@example.com', 'Zed Zedson']
    expect(checkNewPassword('zedzedson example', zed)).not.toBeNull()
    expect(checkNewPassword('zedson example zed', zed)).toBe('contains_context')
    expect(checkNewPassword('example zedson zed 42', zed)).toBe('contains_context')
    expect(checkNewPassword('seven quiet herons over the marsh', zed)).toBeNull()
    expect(checkNewPassword('annual leave request form', ['ann@lee.com', 'Ann Lee'])).toBeNull()
    // Accents do not make the user's own name another word.
    expect(checkNewPassword('Élodie Dupont 12345', ['elodie@example.com', 'Elodie Dupont'])).toBe(
      'contains_context',
    )
  })
})
