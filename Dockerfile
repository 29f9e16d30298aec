FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
USER node
EXPOSE 3000
# The heap budget keeps long exports flat in memory (see npm run bench); the same flags as npm start.
CMD ["node", "--enable-source-maps", "--max-old-space-size=192", "--max-semi-space-size=4", "dist/src/server.js"]
