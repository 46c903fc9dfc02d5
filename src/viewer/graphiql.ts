// The query GraphiQL opens with: a tour of what the archive can answer, runnable as it is.
export const DEFAULT_QUERY = `# The archive, as GraphQL. Press the play button, then explore with Ctrl+Space.
#
# - chats: most recently active first; messages: newest first, deleted ones included
# - add asOf: "2024-05-01T12:00:00Z" to messages() to see a chat exactly as it was then
# - message(id) { versions { text validFrom validTo } deletion { deletedAt source matchedBy } events { type data } }
# - search(query: "hello") { edges { snippet node { text chat { title } } } }
# - subscription { chatActivity(chatId: "...") { kind message { text } } } streams live changes

query Overview {
  stats { chatCount messageCount deletedCount editedCount mediaFileCount caughtUpTo }
  chats(first: 5) {
    edges {
      node {
        id
        title
        type
        messageCount
        deletedCount
        lastMessage { date text }
        messages(first: 10) {
          edges {
            node {
              id
              date
              text
              sender { ... on User { displayName } ... on Chat { title } }
              edited
              deleted
              deletion { deletedAt source matchedBy }
              reactions { reaction count }
              media { kind file { url mimeType size } }
              replyTo { message { text } }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
